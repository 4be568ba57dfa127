import Devices
import Formats
import Storage
import Testing
@testable import Notifications

/// Chat-robot templates: values land JSON-escaped inside strings, so any title or name keeps
/// the body valid JSON; a path an event may lack renders empty; a path no event has, or a
/// template that is not JSON, is refused when the configuration loads.
@Suite struct PayloadTemplateTests {
    static let weCom = """
    {"msgtype": "text", "text": {"content": "{{severity}} {{ticket.title}} — {{ticket.location.building}}-{{ticket.location.unit}}, respond by {{ticket.respond_by}} ({{event}})"}}
    """

    static func object(_ text: String) throws -> [String: JSONValue] {
        guard case let .object(members) = try JSONParser.parse(Array(text.utf8)) else { throw TemplateTestError() }
        return members
    }

    @Test func weComTemplateRendersAValidChatMessage() throws {
        let template = try PayloadTemplate(Self.weCom)
        #expect(template.problems().isEmpty)
        let event = WebhookFixtures.event("ticket_opened", title: "Smoke alarm")
        let body = template.render(WebhookRequest.context(for: event))
        let text = try Self.object(body)["text"]
        guard case let .object(inner)? = text, case let .string(content)? = inner["content"] else { Issue.record("no content in \(body)"); return }
        #expect(content.hasPrefix("emergency Smoke alarm — B01-0101, respond by 2026-"))
        #expect(content.hasSuffix("(ticket_opened)"))
    }

    @Test func quotesNewlinesBackslashesAndChineseStayInsideTheString() throws {
        let title = "烟雾报警 \"B01\" 栋\n第二行\\ end\t"
        let template = try PayloadTemplate(#"{"content": "{{ticket.title}}!"}"#)
        let body = template.render(WebhookRequest.context(for: WebhookFixtures.event(title: title)))
        #expect(try Self.object(body)["content"] == .string(title + "!"))
        #expect(body.contains("烟雾报警"), "Chinese text is sent as UTF-8, not escaped")
        #expect(!body.contains("\n"), "a newline is escaped as \\n")
    }

    @Test func absentValuesRenderEmptyAndOthersAsTheirJSON() throws {
        let template = try PayloadTemplate(#"{"a": "L{{level}}", "b": "{{ticket.location}}", "c": "{{seq}}", "d": "{{ ticket.id }}"}"#)
        let event = WebhookFixtures.event()
        let body = try Self.object(template.render(WebhookRequest.context(for: event)))
        #expect(body["a"] == .string("L"), "ticket_opened has no level: empty, not an error")
        #expect(body["b"] == .string(#"{"building":"B01","community":"demo","unit":"0101"}"#))
        #expect(body["c"] == .string("0"))
        #expect(body["d"] == .string("T-000001"))
    }

    @Test func storedColumnsFillTheTopLevelWhenTheBodyLacksThem() {
        let context = WebhookRequest.context(for: WebhookFixtures.event(severity: "general"))
        #expect(PayloadTemplate.lookup(["severity"], in: context) == .string("general"))
        #expect(PayloadTemplate.lookup(["community"], in: context) == .string("demo"))
        #expect(PayloadTemplate.lookup(["ticket", "location", "unit"], in: context) == .string("0101"))
    }

    @Test func unknownPathsAreRefusedAtLoadWithTheKnownOnes() throws {
        let problems = try PayloadTemplate(#"{"text": "{{ticket.titel}}"}"#).problems()
        #expect(problems.count == 1)
        #expect(problems.first?.contains("unknown placeholder '{{ticket.titel}}'") == true)
        #expect(problems.first?.contains("ticket.{") == true && problems.first?.contains("title") == true)
    }

    @Test func aReportWebhooksTemplateIsCheckedAgainstAReportEvent() throws {
        let template = try PayloadTemplate(#"{"text": "{{period}} 服务效能指数 {{index}}: {{files.0}} {{below_target.0.titles.zh}}"}"#)
        #expect(template.problems(events: ["report_published"]).isEmpty)
        #expect(template.problems(events: ["report_published", "ticket_opened"]).isEmpty, "each placeholder is in one of the events")
        #expect(template.problems(events: ["ticket_opened"]).first?.contains("unknown placeholder '{{period}}'") == true)
        let typo = try PayloadTemplate(#"{"text": "{{perod}}"}"#).problems(events: ["report_published"])
        #expect(typo.count == 1 && typo.first?.contains("files") == true, "the report event's fields are listed: \(typo)")
        // The shipped example (config/gridwatch.yaml) over a stored report event.
        let shipped = try PayloadTemplate(#"{"msgtype": "text", "text": {"content": "{{period}} 考核报告已生成：服务效能指数 {{index}}，文件 {{files.0}}"}}"#)
        #expect(shipped.problems(events: ["report_published"]).isEmpty)
        let body = #"{"event": "report_published", "period": "2026-11", "index": 81.5, "files": ["2026-11/kpi-2026-11-all.json"]}"#
        let event = StoredTicketEvent(seq: 9, atMs: 0, event: "report_published", ticketID: "", community: "", severity: "", body: body)
        #expect(shipped.render(WebhookRequest.context(for: event, language: "zh"))
                == #"{"msgtype": "text", "text": {"content": "2026-11 考核报告已生成：服务效能指数 81.5，文件 2026-11/kpi-2026-11-all.json"}}"#)
    }

    @Test func templatesThatAreNotJSONAreRefused() throws {
        #expect(try PayloadTemplate(#"{"text": "{{ticket.title}}""#).problems().first?.contains("does not render to a JSON object") == true)
        #expect(try PayloadTemplate("just text {{event}}").problems().first?.contains("does not render to a JSON object") == true)
        // Fine while the level is a number, broken when an event has none: a placeholder must sit in a string.
        #expect(try PayloadTemplate(#"{"level": {{level}}}"#).problems().first?.contains("inside a JSON string") == true)
        #expect(throws: PayloadTemplate.Problem.self) { try PayloadTemplate(#"{"text": "{{ticket.title"}"#) }
        #expect(throws: PayloadTemplate.Problem.self) { try PayloadTemplate(#"{"text": "{{ticket..title}}"}"#) }
    }

    @Test func shippedChatRobotExamplesAreValid() throws {
        let dingTalk = #"{"msgtype": "text", "text": {"content": "[gridwatch] {{severity}} {{ticket.title}} {{ticket.location.building}}-{{ticket.location.unit}} respond by {{ticket.respond_by}} ({{event}} {{ticket_id}})"}}"#
        let feishu = #"{"msg_type": "text", "content": {"text": "[gridwatch] {{severity}} {{ticket.title}} {{ticket.location.building}}-{{ticket.location.unit}} respond by {{ticket.respond_by}} ({{event}} {{ticket_id}})"}}"#
        for text in [Self.weCom, dingTalk, feishu] { #expect(try PayloadTemplate(text).problems().isEmpty, "\(text)") }
    }
}

struct TemplateTestError: Error {}

extension PayloadTemplateTests {
    /// A chat robot's text carries the title in its readers' language (Chinese first).
    @Test func theTitleIsInTheWebhooksLanguage() throws {
        let template = try PayloadTemplate(#"{"text": "{{ticket.title}}"}"#)
        let body = #"{"event": "ticket_opened", "ticket": {"id": "T-1", "title": "Smoke alarm in b01-0101", "titles": {"zh": "烟感报警 b01-0101", "en": "Smoke alarm in b01-0101"}}}"#
        let event = StoredTicketEvent(seq: 1, atMs: 0, event: "ticket_opened", ticketID: "T-1", community: "demo", severity: "emergency", body: body)
        #expect(template.render(WebhookRequest.context(for: event, language: "zh")) == #"{"text": "烟感报警 b01-0101"}"#)
        #expect(template.render(WebhookRequest.context(for: event, language: "en")) == #"{"text": "Smoke alarm in b01-0101"}"#)
        #expect(try PayloadTemplate(#"{"text": "{{ticket.titles.zh}} {{clock}}"}"#).problems().isEmpty)
    }
}
