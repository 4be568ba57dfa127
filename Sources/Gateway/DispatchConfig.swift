import GridDispatch

/// The `dispatch:` section: the standard's radius (3 km), arrival within 50 m, how long a live
/// position counts, and the service resources file.
public struct DispatchConfig: Sendable {
    public var settings = DispatchSettings()
    /// `dispatch.resources`: CSV `id,name,class,lat,lon,phone,hours`; nil: no resources listed.
    public var resourcesPath: String?

    public init() {}
}
