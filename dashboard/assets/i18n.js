// Every label the dashboard shows, in English and Chinese, in one dictionary so a translator
// (or a reviewer checking that nothing is left untranslated) has a single place to look.
// Values are strings with {name} placeholders, or functions for plurals and durations.

const STRINGS = {
  en: {
    appName: 'gridwatch duty desk',
    skip: 'Skip to content',
    navDuty: 'Duty list', navHeatmap: 'Heat map', navDevices: 'Devices', navMap: 'Map', navMain: 'Main',
    langToggle: '中文', langToggleLabel: '中文 — switch the dashboard to Chinese',
    themeNight: 'Night mode',
    soundEnable: 'Enable sound', soundOn: 'Sound on (test)', soundMute: 'Mute alarm',
    soundMuteTitle: 'Silences the current alarm; a new emergency sounds again',
    logout: 'Log out',
    loginTitle: 'Log in to the duty desk',
    loginHelp: 'Paste the API token an administrator created for this screen or for you (gridwatch token create).',
    tokenLabel: 'API token', remember: 'Remember on this device', loginButton: 'Log in', checking: 'Checking…',
    errTokenEmpty: 'Enter a token.',
    errTokenRejected: 'The gateway did not accept this token. Check it or ask for a new one.',
    errSessionEnded: 'Your session ended: the gateway no longer accepts the token (revoked or expired). Log in again.',
    errNetwork: 'Cannot reach the gateway. Check the network and try again.',
    errForbidden: 'Your role may not do this.',
    role_viewer: 'viewer (read only)', role_responder: 'responder', role_admin: 'admin',
    updatedAt: 'Data updated at {time}', connecting: 'Connecting to live updates…',
    stale: 'stale — reconnecting (last data {time})',
    announceStale: 'Live updates lost. Reconnecting.', announceLive: 'Live updates restored.',
    // Duty list
    dutyTitle: 'Duty list', filters: 'Filters', clearFilters: 'Clear filters',
    tierGroup: 'Tier', levelGroup: 'Warning level', flagGroup: 'Status',
    f_unack: 'Not acknowledged', f_overdue: 'Overdue', f_transferred: 'Transferred',
    selectAll: 'Select all', selectRow: 'Select {id}',
    ackSelected: n => `Acknowledge selected (${n})`,
    clearSelection: 'Clear selection',
    frozenNote: 'Order is held while you work in the list.',
    newTickets: n => `${n} new ticket${n === 1 ? '' : 's'} not shown yet`, show: 'Show',
    colDue: 'Time left', colLevel: 'Warning', colType: 'Type', colPlace: 'Building-unit', colResident: 'Resident',
    colTitle: 'Ticket', colClass: 'Tier / state', colWhere: 'Building-unit / resident', colAction: 'Action',
    emptyList: 'No tickets match. All clear.', emptyFiltered: 'No tickets match these filters.',
    loading: 'Loading…', loadFailed: 'Could not load: {error}',
    scopeNote: 'Building {building} · {category} · {period}, all states', scopeClear: 'Back to open tickets',
    // A resident's request taken by phone or at the desk
    logRequest: 'Log a call or visit', requestTitle: 'Log a resident\'s request',
    requestHelp: 'A phone call or a visit to the desk: it becomes a ticket like a request from the community app.',
    requestChannel: 'How the resident asked', channel_phone: 'Phone call', channel_visit: 'Visit',
    requestItem: 'What they need', requestItemChoose: 'Choose from the catalogue…',
    requestCommunity: 'Community', requestBuilding: 'Building', requestUnit: 'Unit', requestText: 'In their words (optional)',
    requestSubmit: 'Log request', requestMissing: 'Fill in: {field}.',
    requestLogged: 'Logged as ticket {id}.', requestOpenTicket: 'Open the ticket',
    ackResult: (ok, failed) => `${ok} acknowledged` + (failed ? `, ${failed} failed` : ''),
    ackFailedItem: '{id}: {error}',
    // Clocks
    left: '{d} left', overdue: 'overdue {d}', paused: 'paused, {d} left', pausedOverdue: 'paused, overdue {d}',
    dueRespond: 'respond by {time}', dueResolve: 'resolve by {time}',
    ago: '{d} ago', noWarning: 'no warning', levelWarning: 'L{n} warning',
    dur: (d, h, m, s) => d ? `${d}d ${h}h` : h ? `${h}h ${pad(m)}m` : m ? `${m}m ${pad(s)}s` : `${s}s`,
    // Emergency banner
    bannerTitle: 'Emergency', bannerOpen: 'Open ticket', ack: 'Acknowledge', acking: 'Acknowledging…',
    bannerOpened: 'opened {time}', soundOffHint: 'Sound is off on this screen.',
    announceEmergency: 'Emergency: {title}, {place}.',
    // Ticket page
    back: 'Back to duty list', facts: 'Details', deadlines: 'Deadlines', respondBy: 'Respond by', resolveBy: 'Resolve by',
    metAt: 'responded at {time}', breached: 'breached', pausedSince: 'paused since {time}',
    warnings: 'Warning levels', warnFired: 'fired', warnNext: 'next, in {d}', warnLater: 'later', warnNotNeeded: 'not needed (responded)',
    timeline: 'Timeline', colTime: 'Time', colActor: 'Who', colWhat: 'What', colDetail: 'Detail', reading: 'reading',
    actions: 'Actions', actionDone: 'Done: {action}.', wearer: 'Wearer now', hr: 'Heart rate', spo2: 'SpO₂',
    position: 'Position', openInMaps: 'Open in a maps app', dataAge: 'Data age', worn: 'Worn', notWorn: 'not worn',
    redacted: 'Personal data is hidden for your role.', rule: 'Rule', device: 'Device', team: 'Team', assignee: 'Assignee',
    occurrences: 'Occurrences', opened: 'Opened', cycle: 'Cycle', request: 'Request', none: '—', yes: 'yes',
    fReason: 'Reason', fTo: 'Assign to', fText: 'Comment', fNote: 'Note (optional)',
    act_ack: 'Acknowledge', act_start: 'Start work', act_pending: 'Set pending', act_resume: 'Resume', act_resolve: 'Resolve',
    act_close: 'Close', act_reopen: 'Reopen', act_cancel: 'Cancel (false alarm)', act_assign: 'Assign', act_comment: 'Add comment',
    act_decline: 'Decline (cannot go)', dispatch: 'Dispatch', dispatchedTo: 'Sent', dispatchReason: 'Why', dispatchedAt: 'Dispatched',
    arrivedAt: 'Arrived', notYetArrived: 'not yet', nobodyAvailable: 'nobody available', candidates: 'Considered',
    resourcesNearby: 'Resources nearby', res_aed: 'defibrillator', res_clinic: 'clinic', res_hospital: 'hospital',
    res_pharmacy: 'pharmacy', res_locksmith: 'locksmith', res_plumber: 'plumber', res_volunteer: 'volunteers',
    res_canteen: 'canteen', res_fire_station: 'fire station',
    // Follow-up (回访)
    navFollowUps: 'Follow-ups', followUpsTitle: 'Follow-ups to make', followUpTicket: 'Ticket', followUpPlace: 'Building-unit',
    followUpWhat: 'Service', followUpOverdue: 'overdue', followUpDue: 'Due',
    followUpAttempts: 'Not reached', followUpsNone: 'No follow-ups to make.',
    followUpsHelp: 'Residents to call or visit after their service: soonest due first.',
    fReached: 'Resident reached?', no: 'no', fSatisfaction: 'Satisfaction (1-5)', fRecommend: 'Would recommend (0-10)',
    fComment: 'What the resident said (optional)', act_follow_up: 'Record follow-up', followUp: 'Follow-up',
    followUpDueAt: 'Follow-up due {at} ({n} tries not reached so far)', followUpNotReached: 'not reached (closed {at})',
    // Heat map
    heatTitle: 'Tickets by building and category', period: 'Period', p1: 'Today', p7: 'Last 7 days', p30: 'Last 30 days',
    building: 'Building', total: 'Total', heatCell: '{building}, {category}: {n} tickets, {active} active',
    heatEmpty: 'No tickets in this period.', activeShort: '{n} active',
    // Map
    mapTitle: 'Site map', mapCommunity: 'Community', heatLayer: 'Demand heat', heatOff: 'Off',
    mapPlan: 'Site plan of {community}: {buildings} buildings, {tickets} open tickets',
    mapGrid: 'grid {grid}', grid: 'Grid', mapBuilding: 'Building {building}, grid {grid}, {units} units',
    mapHeatCount: '{n} tickets in the period', legHeat: 'tickets per building, {period}',
    legApprox: 'dashed: placed at its building', legStaffLive: 'staff on duty, live position', legStaffBase: 'staff on duty, at base',
    mapOpenTickets: 'Open tickets', mapNoTickets: 'No open tickets in this community.',
    mapUnassigned: 'not dispatched', mapApprox: 'placed at its building',
    markerAria: '{tier}: {title}, {place}, {left}',
    mapSelectHint: 'Select a ticket on the plan or in the list (Enter or Space) to see whom it was sent to and why.',
    mapOpenTicket: 'Open the ticket page',
    mapNoDispatch: 'No dispatch decision recorded: the ticket is with its team.',
    mapTrajectory: 'Trajectory', trajPoints: '{n} positions, {from} – {to}',
    trajNone: 'No positions from the responder since dispatch yet.', trajNoDispatch: 'Nobody was dispatched.',
    trajHidden: 'Trajectories are personal data: hidden for your role.',
    trajStart: 'Dispatched ({time})', trajEnd: 'Arrived ({time})',
    mapStaffCount: '{n} staff on duty', mapStaffNoPos: '{n} without a known position',
    mapStaffHidden: '{n} staff on duty. Their positions are personal data and are hidden for your role.',
    mapStaffFailed: 'Staff on duty could not be loaded: {error}',
    mapSiteFailed: 'The site plan could not be loaded: {error}',
    mapNoSite: 'This community has no positions yet (the inventory needs lat and lon).',
    staffLive: 'live position at {time}', staffBase: 'at base (no live position)', offPlan: 'outside the plan, shown at its edge',
    announceSelected: '{id} selected. {reason}',
    // Devices
    devTitle: 'Device health', healthTitle: 'Health rate by type (target {target})', belowTarget: 'below target', onTarget: 'on target',
    healthLine: '{healthy} of {devices} healthy', offlineTitle: 'Offline', neverTitle: 'Never seen', lowBatTitle: 'Low battery',
    colDevice: 'Device', colLastSeen: 'Last seen', colBattery: 'Battery', colTickets: 'Open tickets', never: 'never',
    noDevices: 'None.',
    forecastTitle: 'Batteries to replace', noForecasts: 'No battery is forecast to run out.',
    forecastHelp: 'Forecast from each battery\'s history since its last replacement; a ticket opens maintenance.forecast_days (7 by default) before the run-out.',
    forecastMore: '{n} more not shown.', colDrain: 'Drain', colRunOut: 'Runs out', colSamples: 'Readings', colReplaced: 'Replaced',
    perDay: '{n} %/day', runOutIn: 'in {days} days', runOutPast: 'overdue',
    // Values
    sev_emergency: 'Emergency', sev_general: 'General', sev_complex: 'Complex',
    st_open: 'Open', st_acknowledged: 'Acknowledged', st_in_progress: 'In progress', st_pending: 'Pending',
    st_resolved: 'Resolved', st_closed: 'Closed', st_cancelled: 'Cancelled',
    cat_fire: 'fire', cat_water: 'water', cat_security: 'security', cat_elderly_care: 'elderly care',
    cat_device_health: 'device health', cat_repair: 'repair', cat_device: 'device',
    cat_safety: 'safety', cat_repairs: 'repairs and daily life', cat_health: 'health', cat_neighbourhood: 'neighbourhood and complaints',
    type_door: 'door', type_smoke: 'smoke detector', type_water_meter: 'water meter', type_wristband: 'wristband',
    type_building_gateway: 'building gateway', type_request: 'resident request',
    tl_opened: 'opened', tl_occurred: 'occurred again', tl_acknowledged: 'acknowledged', tl_started: 'started',
    tl_pended: 'set pending', tl_resumed: 'resumed', tl_resolved: 'resolved', tl_auto_resolved: 'resolved itself',
    tl_closed: 'closed', tl_reopened: 'reopened', tl_cancelled: 'cancelled', tl_assigned: 'assigned',
    tl_commented: 'comment', tl_alert_cleared: 'alert cleared', tl_warned: 'warning', tl_transferred: 'transferred up',
    tl_response_breached: 'response overdue', tl_resolution_breached: 'resolution overdue',
    tl_not_transferred: 'not transferred', tl_ack_timeout: 'acknowledged, not started in time',
    tl_dispatched: 'dispatched', tl_not_dispatched: 'nobody to dispatch', tl_declined: 'declined', tl_arrived: 'arrived',
  },
  zh: {
    appName: 'gridwatch 值班台',
    skip: '跳到正文',
    navDuty: '值班工单', navHeatmap: '热力图', navDevices: '设备', navMap: '地图', navMain: '主导航',
    langToggle: 'English', langToggleLabel: 'English — 切换为英文',
    themeNight: '夜间模式',
    soundEnable: '开启声音', soundOn: '声音已开（试听）', soundMute: '警报静音',
    soundMuteTitle: '只静音当前警报；新的紧急工单会再次响铃',
    logout: '退出',
    loginTitle: '登录值班台',
    loginHelp: '粘贴管理员为本屏幕或为您创建的 API 令牌（gridwatch token create）。',
    tokenLabel: 'API 令牌', remember: '在此设备上记住', loginButton: '登录', checking: '正在验证…',
    errTokenEmpty: '请输入令牌。',
    errTokenRejected: '网关不接受此令牌。请检查，或申请新的令牌。',
    errSessionEnded: '会话已结束：网关不再接受此令牌（已吊销或失效）。请重新登录。',
    errNetwork: '无法连接网关。请检查网络后重试。',
    errForbidden: '您的角色无权执行此操作。',
    role_viewer: '只读', role_responder: '处置员', role_admin: '管理员',
    updatedAt: '数据更新于 {time}', connecting: '正在连接实时推送…',
    stale: '数据已过时 — 正在重连（最后数据 {time}）',
    announceStale: '实时推送已中断，正在重连。', announceLive: '实时推送已恢复。',
    dutyTitle: '值班工单', filters: '筛选', clearFilters: '清除筛选',
    tierGroup: '等级', levelGroup: '预警级别', flagGroup: '状态',
    f_unack: '未受理', f_overdue: '已超时', f_transferred: '已转上级',
    selectAll: '全选', selectRow: '选择 {id}',
    ackSelected: n => `批量受理（${n}）`,
    clearSelection: '取消选择',
    frozenNote: '您操作列表期间，排序保持不变。',
    newTickets: n => `${n} 条新工单尚未显示`, show: '显示',
    colDue: '剩余时间', colLevel: '预警', colType: '类型', colPlace: '楼栋-房号', colResident: '住户',
    colTitle: '工单', colClass: '等级 / 状态', colWhere: '楼栋-房号 / 住户', colAction: '操作',
    emptyList: '没有待处理工单。', emptyFiltered: '没有符合筛选条件的工单。',
    loading: '加载中…', loadFailed: '加载失败：{error}',
    scopeNote: '{building} 栋 · {category} · {period}，全部状态', scopeClear: '返回待处理工单',
    logRequest: '登记来电或来访', requestTitle: '登记居民诉求',
    requestHelp: '居民来电或到前台来访：与社区 App 提交的诉求一样生成工单。',
    requestChannel: '诉求渠道', channel_phone: '来电', channel_visit: '来访',
    requestItem: '诉求事项', requestItemChoose: '从诉求目录中选择…',
    requestCommunity: '社区', requestBuilding: '楼栋', requestUnit: '房号', requestText: '居民原话（可选）',
    requestSubmit: '登记诉求', requestMissing: '请填写：{field}。',
    requestLogged: '已登记为工单 {id}。', requestOpenTicket: '查看工单',
    ackResult: (ok, failed) => `已受理 ${ok} 条` + (failed ? `，失败 ${failed} 条` : ''),
    ackFailedItem: '{id}：{error}',
    left: '剩余 {d}', overdue: '超时 {d}', paused: '已暂停，剩余 {d}', pausedOverdue: '已暂停，超时 {d}',
    dueRespond: '{time} 前响应', dueResolve: '{time} 前办结',
    ago: '{d}前', noWarning: '无预警', levelWarning: 'L{n} {cn}级预警',
    dur: (d, h, m, s) => d ? `${d}天${h}小时` : h ? `${h}小时${pad(m)}分` : m ? `${m}分${pad(s)}秒` : `${s}秒`,
    bannerTitle: '紧急', bannerOpen: '查看工单', ack: '受理', acking: '正在受理…',
    bannerOpened: '{time} 发生', soundOffHint: '本屏幕声音未开启。',
    announceEmergency: '紧急：{title}，{place}。',
    back: '返回值班工单', facts: '详情', deadlines: '时限', respondBy: '响应时限', resolveBy: '办结时限',
    metAt: '已于 {time} 响应', breached: '已超时', pausedSince: '自 {time} 暂停',
    warnings: '三级预警', warnFired: '已触发', warnNext: '下一级，{d}后', warnLater: '未到', warnNotNeeded: '不再需要（已响应）',
    timeline: '处理记录', colTime: '时间', colActor: '操作人', colWhat: '事项', colDetail: '说明', reading: '读数',
    actions: '操作', actionDone: '已完成：{action}。', wearer: '佩戴者当前状态', hr: '心率', spo2: '血氧',
    position: '位置', openInMaps: '在地图应用中打开', dataAge: '数据时效', worn: '佩戴', notWorn: '未佩戴',
    redacted: '按您的角色，个人数据已隐藏。', rule: '规则', device: '设备', team: '责任班组', assignee: '处理人',
    occurrences: '发生次数', opened: '开单时间', cycle: '周期', request: '诉求', none: '—', yes: '是',
    fReason: '原因', fTo: '指派给', fText: '备注内容', fNote: '说明（可选）',
    act_ack: '受理', act_start: '开始处理', act_pending: '挂起', act_resume: '恢复', act_resolve: '解决',
    act_close: '关闭', act_reopen: '重新打开', act_cancel: '取消（误报）', act_assign: '指派', act_comment: '添加备注',
    act_decline: '无法前往（退回派单）', dispatch: '派单', dispatchedTo: '派往', dispatchReason: '依据', dispatchedAt: '派单时间',
    arrivedAt: '到场时间', notYetArrived: '尚未到场', nobodyAvailable: '无人可派', candidates: '候选人员',
    resourcesNearby: '附近资源', res_aed: '除颤仪', res_clinic: '卫生服务站', res_hospital: '医院',
    res_pharmacy: '药房', res_locksmith: '开锁', res_plumber: '水电工', res_volunteer: '志愿者',
    res_canteen: '长者食堂', res_fire_station: '微型消防站',
    navFollowUps: '回访', followUpsTitle: '待回访', followUpTicket: '工单号', followUpPlace: '楼栋-房号',
    followUpWhat: '服务事项', followUpOverdue: '已超期', followUpDue: '回访期限',
    followUpAttempts: '未联系上次数', followUpsNone: '没有待回访的工单。',
    followUpsHelp: '服务完成后需要电话或上门回访的居民，按期限先后排列。',
    fReached: '是否联系上居民？', no: '否', fSatisfaction: '满意度（1-5）', fRecommend: '推荐意愿（0-10）',
    fComment: '居民意见（可选）', act_follow_up: '记录回访', followUp: '回访',
    followUpDueAt: '回访期限 {at}（已 {n} 次未联系上）', followUpNotReached: '未联系上（{at} 结案）',
    heatTitle: '各楼栋各类工单', period: '时段', p1: '今天', p7: '近 7 天', p30: '近 30 天',
    building: '楼栋', total: '合计', heatCell: '{building}，{category}：{n} 条工单，{active} 条处理中',
    heatEmpty: '此时段没有工单。', activeShort: '处理中 {n}',
    mapTitle: '社区地图', mapCommunity: '社区', heatLayer: '需求热力', heatOff: '关闭',
    mapPlan: '{community} 平面图：{buildings} 栋楼，{tickets} 条待处理工单',
    mapGrid: '网格 {grid}', grid: '网格', mapBuilding: '{building} 栋，网格 {grid}，{units} 户',
    mapHeatCount: '本时段 {n} 条工单', legHeat: '各楼栋工单数，{period}',
    legApprox: '虚线：按楼栋定位', legStaffLive: '在岗人员，实时位置', legStaffBase: '在岗人员，在驻点',
    mapOpenTickets: '待处理工单', mapNoTickets: '本社区没有待处理工单。',
    mapUnassigned: '未派单', mapApprox: '按所在楼栋定位',
    markerAria: '{tier}：{title}，{place}，{left}',
    mapSelectHint: '在地图或列表中选择一条工单（回车或空格），查看派给了谁及原因。',
    mapOpenTicket: '打开工单页',
    mapNoDispatch: '没有派单记录：工单仍由责任班组处理。',
    mapTrajectory: '服务轨迹', trajPoints: '{n} 个位置，{from} – {to}',
    trajNone: '派单后处置人员尚未上报位置。', trajNoDispatch: '未派给任何人。',
    trajHidden: '服务轨迹属于个人数据：按您的角色不显示。',
    trajStart: '派单（{time}）', trajEnd: '到场（{time}）',
    mapStaffCount: '在岗 {n} 人', mapStaffNoPos: '{n} 人位置未知',
    mapStaffHidden: '在岗 {n} 人。人员位置属于个人数据，按您的角色不显示。',
    mapStaffFailed: '无法加载在岗人员：{error}',
    mapSiteFailed: '无法加载社区平面图：{error}',
    mapNoSite: '本社区还没有位置数据（设备清单需要 lat 和 lon）。',
    staffLive: '实时位置（{time}）', staffBase: '在驻点（无实时位置）', offPlan: '在平面图范围外，显示在边缘',
    announceSelected: '已选择 {id}。{reason}',
    devTitle: '设备健康', healthTitle: '各类设备完好率（目标 {target}）', belowTarget: '低于目标', onTarget: '达标',
    healthLine: '{devices} 台中 {healthy} 台完好', offlineTitle: '离线', neverTitle: '从未上线', lowBatTitle: '电量低',
    colDevice: '设备', colLastSeen: '最后上报', colBattery: '电量', colTickets: '未结工单', never: '从未',
    noDevices: '无。',
    forecastTitle: '待更换电池', noForecasts: '暂无预计耗尽的电池。',
    forecastHelp: '按每块电池自上次更换以来的电量记录预测；预计耗尽前 maintenance.forecast_days 天（默认 7 天）自动开单。',
    forecastMore: '另有 {n} 台未显示。', colDrain: '耗电', colRunOut: '预计耗尽', colSamples: '读数', colReplaced: '上次更换',
    perDay: '每天 {n} %', runOutIn: '{days} 天后', runOutPast: '已逾期',
    sev_emergency: '紧急', sev_general: '一般', sev_complex: '复杂',
    st_open: '待受理', st_acknowledged: '已受理', st_in_progress: '处理中', st_pending: '挂起',
    st_resolved: '已解决', st_closed: '已关闭', st_cancelled: '已取消',
    cat_fire: '消防', cat_water: '用水', cat_security: '安防', cat_elderly_care: '养老关怀',
    cat_device_health: '设备健康', cat_repair: '报修', cat_device: '设备',
    cat_safety: '安全隐患', cat_repairs: '维修与生活服务', cat_health: '健康服务', cat_neighbourhood: '邻里事务与投诉',
    type_door: '门磁', type_smoke: '烟感', type_water_meter: '水表', type_wristband: '手环',
    type_building_gateway: '楼栋网关', type_request: '居民诉求',
    tl_opened: '开单', tl_occurred: '再次发生', tl_acknowledged: '受理', tl_started: '开始处理',
    tl_pended: '挂起', tl_resumed: '恢复', tl_resolved: '解决', tl_auto_resolved: '自动解决',
    tl_closed: '关闭', tl_reopened: '重新打开', tl_cancelled: '取消', tl_assigned: '指派',
    tl_commented: '备注', tl_alert_cleared: '告警解除', tl_warned: '预警', tl_transferred: '转接上级',
    tl_response_breached: '响应超时', tl_resolution_breached: '办结超时',
    tl_not_transferred: '未转接', tl_ack_timeout: '受理后未及时处理',
    tl_dispatched: '派单', tl_not_dispatched: '无人可派', tl_declined: '退回', tl_arrived: '到场',
  },
};

function pad(n) { return String(n).padStart(2, '0'); }

const LANG_KEY = 'gridwatch.lang';
const savedLang = localStorage.getItem(LANG_KEY);
let lang = STRINGS[savedLang] ? savedLang : ((navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en');

export function getLang() { return lang; }

/** A ticket's title in the reader's language: Chinese or English from `titles`, else `title`. */
export function ticketTitle(tk) {
  return tk.titles?.[lang === 'zh' ? 'zh' : 'en'] || tk.title || tk.rule;
}

export function setLang(next) {
  lang = STRINGS[next] ? next : 'en';
  localStorage.setItem(LANG_KEY, lang);
  applyStatic(document);
}

/** The string for key, with {name} placeholders filled; a function entry is called with args. */
export function t(key, ...args) {
  const entry = STRINGS[lang][key] ?? STRINGS.en[key];
  if (entry === undefined) return key;
  if (typeof entry === 'function') return entry(...args);
  const vars = args[0] || {};
  return entry.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** A value the gateway sends (state, category...) as a label; unknown values are shown as they are. */
export function label(prefix, value) {
  if (value === null || value === undefined || value === '') return t('none');
  const key = prefix + '_' + value;
  return STRINGS[lang][key] ?? STRINGS.en[key] ?? String(value).replace(/_/g, ' ');
}

/** "L2 warning" / "L2 二级预警", or "no warning" for level 0. */
export function levelText(level) {
  if (!level) return t('noWarning');
  return t('levelWarning', { n: level, cn: '一二三'[level - 1] || level });
}

/** Fills the static markup: data-i18n sets the text, data-i18n-label the aria-label. */
export function applyStatic(root) {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = t('appName');
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}
