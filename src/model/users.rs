//! The users domain as the panel sees it (users.md §1.1, §2, §5, §6): the admin user object, one
//! page of the list, the list's query as it lives in the URL, credentials and invites.

use serde::{Deserialize, Serialize};

use super::query::{encode_component, parse_query};

/// `{"admin": bool, "moderator": bool}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roles {
    pub admin: bool,
    pub moderator: bool,
}

/// The admin user object (users.md §1.1). The additive `is_*` negations are not kept: they say the
/// same as the flags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUser {
    pub id: String,
    pub email: Option<String>,
    pub avatar: String,
    pub nickname: String,
    pub display_name: String,
    pub deactivated: bool,
    pub local: bool,
    pub confirmation_pending: bool,
    pub approval_pending: bool,
    pub roles: Roles,
    pub tags: Vec<String>,
    pub url: String,
    pub registration_reason: Option<String>,
    pub actor_type: String,
    #[serde(default)]
    pub created_at: String,
}

/// The tone of a badge: the text always carries the meaning, the tone only reinforces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Neutral,
    Ok,
    Warn,
    Danger,
    Info,
}

impl Tone {
    /// The CSS class of the badge.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Neutral => "badge",
            Tone::Ok => "badge ok",
            Tone::Warn => "badge warn",
            Tone::Danger => "badge danger",
            Tone::Info => "badge info",
        }
    }
}

impl AdminUser {
    /// The remote domain, `None` for local accounts.
    pub fn domain(&self) -> Option<&str> {
        if self.local {
            None
        } else {
            self.nickname.split_once('@').map(|(_, d)| d)
        }
    }

    /// Status badges: every state that applies (users.md §2 filter meanings), "Active" when none.
    pub fn statuses(&self) -> Vec<(&'static str, Tone)> {
        let mut out = Vec::new();
        if self.deactivated {
            out.push(("Deactivated", Tone::Danger));
        }
        if self.approval_pending {
            out.push(("Pending approval", Tone::Warn));
        }
        if self.confirmation_pending {
            out.push(("Unconfirmed", Tone::Warn));
        }
        if out.is_empty() {
            out.push(("Active", Tone::Ok));
        }
        out
    }

    /// Role badges.
    pub fn role_labels(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.roles.admin {
            out.push("Admin");
        }
        if self.roles.moderator {
            out.push("Moderator");
        }
        out
    }

    /// The last eight characters of the id: ids start with their creation time, so the tail is what
    /// tells accounts apart.
    pub fn short_id(&self) -> String {
        short_id(&self.id)
    }
}

/// The distinguishing tail of an id (see [`AdminUser::short_id`]).
pub fn short_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        id.to_string()
    } else {
        format!("…{}", chars[chars.len() - 8..].iter().collect::<String>())
    }
}

/// The tag presets of the panel (users.md §4, effects with TagPolicy), with their names in words.
pub const MRF_TAGS: [(&str, &str); 6] = [
    ("mrf_tag:media-force-nsfw", "Force media sensitive"),
    ("mrf_tag:media-strip", "Strip media"),
    ("mrf_tag:force-unlisted", "Force unlisted"),
    ("mrf_tag:sandbox", "Sandbox (followers only)"),
    (
        "mrf_tag:disable-remote-subscription",
        "No follows from remote servers",
    ),
    ("mrf_tag:disable-any-subscription", "No new followers"),
];

/// A tag in words: MRF presets by name, other tags as stored.
pub fn tag_label(tag: &str) -> String {
    MRF_TAGS
        .iter()
        .find(|(t, _)| *t == tag)
        .map(|(_, label)| label.to_string())
        .unwrap_or_else(|| tag.to_string())
}

/// Actor types of the admin user object.
pub const ACTOR_TYPES: [&str; 5] = ["Person", "Service", "Application", "Group", "Organization"];

/// One page of `GET /users`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPage {
    pub users: Vec<AdminUser>,
    /// Matches ignoring paging.
    pub count: i64,
    /// The page size the server used.
    pub page_size: i64,
}

/// Facts the users screen needs besides the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersOverview {
    /// Local accounts awaiting approval (the tab's count).
    pub pending_approval: i64,
    /// Whether confirmation emails can be sent.
    pub mailer_enabled: bool,
    /// Server time in Unix milliseconds, so relative dates read the same on the server and after
    /// hydration.
    pub now_ms: i64,
}

/// The views (tabs) of the users screen (ui.md §4.3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserView {
    #[default]
    Local,
    Pending,
    Unconfirmed,
    Deactivated,
    Remote,
    Admins,
    Moderators,
}

impl UserView {
    pub const ALL: [UserView; 7] = [
        UserView::Local,
        UserView::Pending,
        UserView::Unconfirmed,
        UserView::Deactivated,
        UserView::Remote,
        UserView::Admins,
        UserView::Moderators,
    ];

    /// The value in the URL (`view=`); the default view has none.
    pub fn key(self) -> &'static str {
        match self {
            UserView::Local => "local",
            UserView::Pending => "pending",
            UserView::Unconfirmed => "unconfirmed",
            UserView::Deactivated => "deactivated",
            UserView::Remote => "remote",
            UserView::Admins => "admins",
            UserView::Moderators => "moderators",
        }
    }

    pub fn from_key(key: &str) -> UserView {
        UserView::ALL
            .into_iter()
            .find(|v| v.key() == key)
            .unwrap_or_default()
    }

    /// The tab's title.
    pub fn label(self) -> &'static str {
        match self {
            UserView::Local => "All local",
            UserView::Pending => "Pending approval",
            UserView::Unconfirmed => "Unconfirmed",
            UserView::Deactivated => "Deactivated",
            UserView::Remote => "Remote",
            UserView::Admins => "Admins",
            UserView::Moderators => "Moderators",
        }
    }

    /// The `filters` of `GET /users` this view stands for.
    pub fn filters(self) -> &'static [&'static str] {
        match self {
            UserView::Local => &["local"],
            UserView::Pending => &["local", "need_approval"],
            UserView::Unconfirmed => &["local", "unconfirmed"],
            UserView::Deactivated => &["deactivated"],
            UserView::Remote => &["external"],
            UserView::Admins => &["is_admin"],
            UserView::Moderators => &["is_moderator"],
        }
    }

    /// What an empty list means in this view.
    pub fn empty_text(self) -> &'static str {
        match self {
            UserView::Local => "No local accounts match.",
            UserView::Pending => "Nobody is waiting for approval.",
            UserView::Unconfirmed => "Every local account has confirmed its email.",
            UserView::Deactivated => "No deactivated accounts match.",
            UserView::Remote => "No remote accounts match.",
            UserView::Admins => "No admins match.",
            UserView::Moderators => "No moderators match.",
        }
    }
}

/// The page sizes offered (ui.md §3).
pub const PAGE_SIZES: [i64; 5] = [20, 50, 100, 200, 500];
/// The list's default page size (the API's default).
pub const DEFAULT_PAGE_SIZE: i64 = 50;

/// Origin filter choices: `(value, label, API filter)`.
pub const ORIGINS: [(&str, &str, &str); 2] = [
    ("local", "Local", "local"),
    ("remote", "Remote", "external"),
];
/// Status filter choices (each exclusive): `(value, label, API filter)`.
pub const STATUSES: [(&str, &str, &str); 4] = [
    ("active", "Active", "active"),
    ("deactivated", "Deactivated", "deactivated"),
    ("pending", "Pending approval", "need_approval"),
    ("unconfirmed", "Unconfirmed", "unconfirmed"),
];
/// Role filter choices: `(value, label, API filter)`.
pub const ROLES: [(&str, &str, &str); 2] = [
    ("admin", "Admin", "is_admin"),
    ("moderator", "Moderator", "is_moderator"),
];

/// The users list's state, as it lives in the URL (ui.md §1: back/forward and reload restore it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserListQuery {
    pub view: UserView,
    /// Nickname or domain substring (`query`).
    pub query: String,
    /// Display name substring.
    pub name: String,
    /// Exact email.
    pub email: String,
    pub origin: String,
    pub status: String,
    pub role: String,
    pub actor_types: Vec<String>,
    pub tags: Vec<String>,
    pub page: i64,
    pub page_size: i64,
}

impl Default for UserListQuery {
    fn default() -> Self {
        UserListQuery {
            view: UserView::Local,
            query: String::new(),
            name: String::new(),
            email: String::new(),
            origin: String::new(),
            status: String::new(),
            role: String::new(),
            actor_types: Vec::new(),
            tags: Vec::new(),
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

fn known(value: String, choices: &[(&str, &str, &str)]) -> String {
    if choices.iter().any(|(v, _, _)| *v == value) {
        value
    } else {
        String::new()
    }
}

impl UserListQuery {
    /// Reads the query from a URL's query string (with or without the leading `?`). Unknown or
    /// malformed values fall back to the defaults, so any link opens a working list.
    pub fn from_search(search: &str) -> UserListQuery {
        let pairs = parse_query(search);
        let first = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        let all = |key: &str| {
            let mut out: Vec<String> = Vec::new();
            for (_, v) in pairs.iter().filter(|(k, _)| k == key) {
                for part in v.split(',') {
                    let part = part.trim();
                    if !part.is_empty() && !out.iter().any(|o| o == part) {
                        out.push(part.to_string());
                    }
                }
            }
            out
        };
        let page = first("page")
            .parse::<i64>()
            .ok()
            .filter(|p| *p >= 1)
            .unwrap_or(1);
        let page_size = first("page_size")
            .parse::<i64>()
            .ok()
            .filter(|s| PAGE_SIZES.contains(s))
            .unwrap_or(DEFAULT_PAGE_SIZE);
        UserListQuery {
            view: UserView::from_key(&first("view")),
            query: first("query"),
            name: first("name"),
            email: first("email"),
            origin: known(first("origin"), &ORIGINS),
            status: known(first("status"), &STATUSES),
            role: known(first("role"), &ROLES),
            actor_types: all("actor_types")
                .into_iter()
                .filter(|a| ACTOR_TYPES.contains(&a.as_str()))
                .collect(),
            tags: all("tags").into_iter().map(|t| t.to_lowercase()).collect(),
            page,
            page_size,
        }
    }

    /// The query string (without `?`) holding only what differs from the defaults.
    pub fn to_search(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if self.view != UserView::Local {
            pairs.push(("view", self.view.key().to_string()));
        }
        for (key, value) in [
            ("query", &self.query),
            ("name", &self.name),
            ("email", &self.email),
            ("origin", &self.origin),
            ("status", &self.status),
            ("role", &self.role),
        ] {
            if !value.is_empty() {
                pairs.push((key, value.clone()));
            }
        }
        for a in &self.actor_types {
            pairs.push(("actor_types", a.clone()));
        }
        for t in &self.tags {
            pairs.push(("tags", t.clone()));
        }
        if self.page != 1 {
            pairs.push(("page", self.page.to_string()));
        }
        if self.page_size != DEFAULT_PAGE_SIZE {
            pairs.push(("page_size", self.page_size.to_string()));
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode_component(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// `/admin/users` with this query.
    pub fn href(&self) -> String {
        let search = self.to_search();
        if search.is_empty() {
            "/admin/users".to_string()
        } else {
            format!("/admin/users?{search}")
        }
    }

    /// The same list on another page.
    pub fn with_page(&self, page: i64) -> UserListQuery {
        UserListQuery {
            page,
            ..self.clone()
        }
    }

    /// The same filters in another view, from its first page.
    pub fn with_view(&self, view: UserView) -> UserListQuery {
        UserListQuery {
            view,
            page: 1,
            ..self.clone()
        }
    }

    /// The view alone: every filter cleared.
    pub fn cleared(&self) -> UserListQuery {
        UserListQuery {
            view: self.view,
            page_size: self.page_size,
            ..UserListQuery::default()
        }
    }

    /// Whether any filter beyond the view is set.
    pub fn has_filters(&self) -> bool {
        !(self.query.is_empty()
            && self.name.is_empty()
            && self.email.is_empty()
            && self.origin.is_empty()
            && self.status.is_empty()
            && self.role.is_empty()
            && self.actor_types.is_empty()
            && self.tags.is_empty())
    }

    /// The `filters` names of `GET /users` (view first, then origin, status, role; no repeats).
    pub fn filters(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self.view.filters().to_vec();
        let lookup = |value: &str, choices: &[(&str, &str, &'static str)]| {
            choices
                .iter()
                .find(|(v, _, _)| *v == value)
                .map(|(_, _, f)| *f)
        };
        for extra in [
            lookup(&self.origin, &ORIGINS),
            lookup(&self.status, &STATUSES),
            lookup(&self.role, &ROLES),
        ]
        .into_iter()
        .flatten()
        {
            if !out.contains(&extra) {
                out.push(extra);
            }
        }
        out
    }

    /// The parameters of `GET /users` for this query.
    pub fn api_params(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        let mut put = |k: &str, v: serde_json::Value| {
            map.insert(k.to_string(), v);
        };
        put("filters", self.filters().join(",").into());
        put("page", self.page.into());
        put("page_size", self.page_size.into());
        if !self.query.is_empty() {
            put("query", self.query.clone().into());
        }
        if !self.name.is_empty() {
            put("name", self.name.clone().into());
        }
        if !self.email.is_empty() {
            put("email", self.email.clone().into());
        }
        if !self.actor_types.is_empty() {
            put("actor_types", self.actor_types.clone().into());
        }
        if !self.tags.is_empty() {
            put("tags", self.tags.clone().into());
        }
        serde_json::Value::Object(map)
    }
}

/// One profile field of the credentials (`raw_fields`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileField {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub value: String,
}

/// `GET /users/:nickname/credentials` (users.md §5), as the credentials form needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Credentials {
    pub id: String,
    pub nickname: String,
    pub email: Option<String>,
    pub name: String,
    /// The bio as HTML (what the API answers).
    pub bio: String,
    pub raw_fields: Vec<ProfileField>,
    pub is_locked: bool,
    pub is_discoverable: bool,
    pub no_rich_text: bool,
    pub default_scope: String,
    pub hide_follows: bool,
    pub hide_followers: bool,
    pub hide_followers_count: bool,
    pub hide_follows_count: bool,
    pub hide_favorites: bool,
    pub allow_following_move: bool,
    pub show_role: bool,
    pub skip_thread_containment: bool,
    pub accepts_chat_messages: bool,
    pub actor_type: String,
    pub avatar: String,
    pub banner: String,
    pub background: Option<String>,
}

/// The boolean settings of the credentials form: `(field, label)`.
pub const CREDENTIAL_TOGGLES: [(&str, &str); 12] = [
    ("is_locked", "Locked: approve followers by hand"),
    (
        "is_discoverable",
        "Discoverable: listed in the directory and search",
    ),
    ("no_rich_text", "No rich text: post plain text only"),
    ("hide_follows", "Hide follows"),
    ("hide_followers", "Hide followers"),
    ("hide_follows_count", "Hide the follows count"),
    ("hide_followers_count", "Hide the followers count"),
    ("hide_favorites", "Hide favourites"),
    (
        "allow_following_move",
        "Allow followers to be moved to a new account",
    ),
    ("show_role", "Show the staff role on the profile"),
    ("skip_thread_containment", "Skip thread containment"),
    ("accepts_chat_messages", "Accept chat messages"),
];

impl Credentials {
    /// A toggle's current value by field name.
    pub fn toggle(&self, field: &str) -> bool {
        match field {
            "is_locked" => self.is_locked,
            "is_discoverable" => self.is_discoverable,
            "no_rich_text" => self.no_rich_text,
            "hide_follows" => self.hide_follows,
            "hide_followers" => self.hide_followers,
            "hide_follows_count" => self.hide_follows_count,
            "hide_followers_count" => self.hide_followers_count,
            "hide_favorites" => self.hide_favorites,
            "allow_following_move" => self.allow_following_move,
            "show_role" => self.show_role,
            "skip_thread_containment" => self.skip_thread_containment,
            "accepts_chat_messages" => self.accepts_chat_messages,
            _ => false,
        }
    }
}

/// Turns a bio rendered by the server (escaped text, `<br/>` line breaks, linked URLs) back into the
/// text that was entered, for editing.
pub fn html_to_text(html: &str) -> String {
    let with_breaks = html
        .replace("<br/>", "\n")
        .replace("<br>", "\n")
        .replace("<br />", "\n");
    let mut out = String::with_capacity(with_breaks.len());
    let mut in_tag = false;
    for c in with_breaks.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The invite object (users.md §6.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub id: i64,
    pub token: String,
    pub used: bool,
    /// `YYYY-MM-DD`.
    pub expires_at: Option<String>,
    pub uses: i64,
    pub max_use: Option<i64>,
    pub invite_type: String,
}

/// Whether an invite can still be used (users.md §6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteState {
    Valid,
    UsedUpOrRevoked,
    Expired,
}

impl InviteState {
    pub fn label(self) -> &'static str {
        match self {
            InviteState::Valid => "Valid",
            InviteState::UsedUpOrRevoked => "Used up / revoked",
            InviteState::Expired => "Expired",
        }
    }

    pub fn tone(self) -> Tone {
        match self {
            InviteState::Valid => Tone::Ok,
            InviteState::UsedUpOrRevoked => Tone::Neutral,
            InviteState::Expired => Tone::Warn,
        }
    }
}

impl Invite {
    /// The state on `today` (`YYYY-MM-DD`, UTC): ISO dates compare as text.
    pub fn state(&self, today: &str) -> InviteState {
        if self.used || self.max_use.is_some_and(|max| self.uses >= max) {
            InviteState::UsedUpOrRevoked
        } else if self.expires_at.as_deref().is_some_and(|d| d < today) {
            InviteState::Expired
        } else {
            InviteState::Valid
        }
    }

    /// The type in words.
    pub fn type_label(&self) -> &'static str {
        match self.invite_type.as_str() {
            "one_time" => "One-time",
            "reusable" => "Reusable",
            "date_limited" => "Until a date",
            "reusable_date_limited" => "Reusable until a date",
            _ => "Unknown",
        }
    }

    /// `<base>/registration/<token>` (the token percent-encoded as a path segment).
    pub fn link(&self, base_url: &str) -> String {
        format!("{base_url}/registration/{}", encode_component(&self.token))
    }
}

/// The invites screen's data: the invites plus the settings that decide what can be done.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitesScreen {
    pub invites: Vec<Invite>,
    /// Public URL without a trailing slash, for invite links.
    pub base_url: String,
    /// Today's date on the server (UTC), `YYYY-MM-DD`.
    pub today: String,
    pub registrations_open: bool,
    pub invites_enabled: bool,
    pub approval_required: bool,
    pub mailer_enabled: bool,
}

impl InvitesScreen {
    /// Why email invites can't be sent now, in words (users.md §6 `email_invite` checks), or `None`.
    pub fn email_invites_unavailable(&self) -> Option<&'static str> {
        if self.registrations_open {
            Some("Email invites need closed registrations: registrations are open, so anyone can sign up without an invite.")
        } else if !self.invites_enabled {
            Some("Email invites need invites to be enabled in the registration settings.")
        } else if !self.mailer_enabled {
            Some("Email invites need the mailer, which is off.")
        } else {
            None
        }
    }

    /// The registration mode in words.
    pub fn registration_mode(&self) -> &'static str {
        match (
            self.registrations_open,
            self.approval_required,
            self.invites_enabled,
        ) {
            (true, true, _) => "Open, with approval",
            (true, false, _) => "Open",
            (false, _, true) => "Invite only",
            (false, _, false) => "Closed",
        }
    }
}

/// Deleting more users than this asks to type the number (ui.md §5).
pub const TYPE_TO_CONFIRM_OVER: usize = 5;

/// What an action needs of the session (ui.md §2: actions the caller can't perform are hidden).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Privilege(&'static str),
    Admin,
}

impl Need {
    /// Whether the session may do it.
    pub fn met_by(self, session: &super::session::SessionInfo) -> bool {
        match self {
            Need::Privilege(p) => session.can(p),
            Need::Admin => session.is_admin,
        }
    }

    /// Why a disabled control is disabled.
    pub fn reason(self) -> String {
        match self {
            Need::Privilege(p) => format!("Needs the {p} privilege"),
            Need::Admin => "Admins only".to_string(),
        }
    }
}

/// The user actions of the users screen and the user page, posted to `/admin/users/action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserAction {
    Activate,
    Deactivate,
    Approve,
    Reject,
    ConfirmEmail,
    ResendConfirmation,
    ForcePasswordReset,
    Tag,
    Untag,
    GrantAdmin,
    RevokeAdmin,
    GrantModerator,
    RevokeModerator,
    Delete,
    DisableMfa,
    ResetLink,
    Follow,
    Unfollow,
}

impl UserAction {
    pub const ALL: [UserAction; 18] = [
        UserAction::Activate,
        UserAction::Deactivate,
        UserAction::Approve,
        UserAction::Reject,
        UserAction::ConfirmEmail,
        UserAction::ResendConfirmation,
        UserAction::ForcePasswordReset,
        UserAction::Tag,
        UserAction::Untag,
        UserAction::GrantAdmin,
        UserAction::RevokeAdmin,
        UserAction::GrantModerator,
        UserAction::RevokeModerator,
        UserAction::Delete,
        UserAction::DisableMfa,
        UserAction::ResetLink,
        UserAction::Follow,
        UserAction::Unfollow,
    ];

    /// The form value (`action=`).
    pub fn key(self) -> &'static str {
        match self {
            UserAction::Activate => "activate",
            UserAction::Deactivate => "deactivate",
            UserAction::Approve => "approve",
            UserAction::Reject => "reject",
            UserAction::ConfirmEmail => "confirm_email",
            UserAction::ResendConfirmation => "resend_confirmation",
            UserAction::ForcePasswordReset => "force_password_reset",
            UserAction::Tag => "tag",
            UserAction::Untag => "untag",
            UserAction::GrantAdmin => "grant_admin",
            UserAction::RevokeAdmin => "revoke_admin",
            UserAction::GrantModerator => "grant_moderator",
            UserAction::RevokeModerator => "revoke_moderator",
            UserAction::Delete => "delete",
            UserAction::DisableMfa => "disable_mfa",
            UserAction::ResetLink => "reset_link",
            UserAction::Follow => "follow",
            UserAction::Unfollow => "unfollow",
        }
    }

    pub fn from_key(key: &str) -> Option<UserAction> {
        UserAction::ALL.into_iter().find(|a| a.key() == key)
    }

    /// The button's words.
    pub fn label(self) -> &'static str {
        match self {
            UserAction::Activate => "Activate",
            UserAction::Deactivate => "Deactivate",
            UserAction::Approve => "Approve",
            UserAction::Reject => "Reject",
            UserAction::ConfirmEmail => "Confirm email",
            UserAction::ResendConfirmation => "Resend confirmation",
            UserAction::ForcePasswordReset => "Require password reset",
            UserAction::Tag => "Add tag",
            UserAction::Untag => "Remove tag",
            UserAction::GrantAdmin => "Grant admin",
            UserAction::RevokeAdmin => "Revoke admin",
            UserAction::GrantModerator => "Grant moderator",
            UserAction::RevokeModerator => "Revoke moderator",
            UserAction::Delete => "Delete",
            UserAction::DisableMfa => "Disable MFA",
            UserAction::ResetLink => "Get password reset link",
            UserAction::Follow => "Force follow",
            UserAction::Unfollow => "Force unfollow",
        }
    }

    /// What the session needs for it (users.md access column).
    pub fn need(self) -> Need {
        match self {
            UserAction::Activate | UserAction::Deactivate => {
                Need::Privilege("users_manage_activation_state")
            }
            UserAction::Approve => Need::Privilege("users_manage_invites"),
            UserAction::Reject | UserAction::Delete => Need::Privilege("users_delete"),
            UserAction::ConfirmEmail
            | UserAction::ResendConfirmation
            | UserAction::ForcePasswordReset
            | UserAction::DisableMfa
            | UserAction::ResetLink => Need::Privilege("users_manage_credentials"),
            UserAction::Tag | UserAction::Untag => Need::Privilege("users_manage_tags"),
            UserAction::GrantAdmin
            | UserAction::RevokeAdmin
            | UserAction::GrantModerator
            | UserAction::RevokeModerator
            | UserAction::Follow
            | UserAction::Unfollow => Need::Admin,
        }
    }

    /// Destructive actions get the red button.
    pub fn is_destructive(self) -> bool {
        matches!(self, UserAction::Delete | UserAction::Reject)
    }

    /// Whether the action first goes through the confirmation page (ui.md §5).
    pub fn needs_confirmation(self) -> bool {
        matches!(
            self,
            UserAction::Deactivate
                | UserAction::Reject
                | UserAction::Delete
                | UserAction::RevokeAdmin
                | UserAction::RevokeModerator
                | UserAction::ForcePasswordReset
                | UserAction::DisableMfa
        )
    }

    /// Actions the caller's own account is left out of (ui.md §4.3).
    pub fn excludes_self(self) -> bool {
        matches!(
            self,
            UserAction::Deactivate
                | UserAction::Delete
                | UserAction::Reject
                | UserAction::RevokeAdmin
        )
    }

    /// Why the caller's own account is left out.
    pub fn self_reason(self) -> &'static str {
        match self {
            UserAction::Deactivate => "You can't deactivate your own account.",
            UserAction::Delete | UserAction::Reject => "You can't delete your own account.",
            _ => "You can't revoke your own admin role.",
        }
    }

    /// The confirmation's question.
    pub fn confirm_title(self, who: &str) -> String {
        match self {
            UserAction::Deactivate => format!("Deactivate {who}?"),
            UserAction::Reject => format!("Reject {who}?"),
            UserAction::Delete => format!("Delete {who}?"),
            UserAction::RevokeAdmin => format!("Revoke admin from {who}?"),
            UserAction::RevokeModerator => format!("Revoke moderator from {who}?"),
            UserAction::ForcePasswordReset => format!("Require a password reset for {who}?"),
            UserAction::DisableMfa => format!("Disable two-factor authentication for {who}?"),
            other => format!("{} {who}?", other.label()),
        }
    }

    /// What happens, for the confirmation (ui.md §5: names the consequence).
    pub fn consequence(self) -> &'static str {
        match self {
            UserAction::Deactivate => "They can't log in or use their apps until activated again, and their statuses are hidden. Their follows are kept, so activating them restores everything.",
            UserAction::Reject => "The registration requests are deleted and the nicknames become free again. This can't be undone.",
            UserAction::Delete => "Local accounts are emptied (profile, email, password, statuses, follows, sessions) and kept as deactivated placeholders so their nicknames stay taken. Remote accounts are removed with their statuses. This can't be undone.",
            UserAction::RevokeAdmin => "They lose access to admin-only areas from their next request.",
            UserAction::RevokeModerator => "They lose the moderator privileges from their next request.",
            UserAction::ForcePasswordReset => "They can't log in until they set a new password with a reset link or \"forgot password\".",
            UserAction::DisableMfa => "Two-factor authentication is turned off and its secret and recovery codes are deleted: the password alone will log them in.",
            _ => "",
        }
    }

    /// The error prefix: "Couldn't <words> <who>" (ui.md §5).
    pub fn failed(self, who: &str) -> String {
        match self {
            UserAction::ConfirmEmail => format!("Couldn't confirm the email of {who}"),
            UserAction::ResendConfirmation => {
                format!("Couldn't resend the confirmation email to {who}")
            }
            UserAction::ForcePasswordReset => {
                format!("Couldn't require a password reset for {who}")
            }
            UserAction::Tag => format!("Couldn't tag {who}"),
            UserAction::Untag => format!("Couldn't remove the tag from {who}"),
            UserAction::GrantAdmin => format!("Couldn't make {who} admin"),
            UserAction::RevokeAdmin => format!("Couldn't revoke admin from {who}"),
            UserAction::GrantModerator => format!("Couldn't make {who} moderator"),
            UserAction::RevokeModerator => format!("Couldn't revoke moderator from {who}"),
            UserAction::DisableMfa => {
                format!("Couldn't turn off two-factor authentication for {who}")
            }
            UserAction::ResetLink => format!("Couldn't create a password reset link for {who}"),
            UserAction::Follow | UserAction::Unfollow => {
                format!("Couldn't change the follows of {who}")
            }
            other => format!("Couldn't {} {who}", other.label().to_lowercase()),
        }
    }

    /// The success notice.
    pub fn done(self, who: &str, tag: &str) -> String {
        match self {
            UserAction::Activate => format!("Activated {who}."),
            UserAction::Deactivate => format!("Deactivated {who}."),
            UserAction::Approve => format!("Approved {who}."),
            UserAction::Reject => format!("Rejected {who}."),
            UserAction::ConfirmEmail => format!("Confirmed the email of {who}."),
            UserAction::ResendConfirmation => {
                format!("Sent the confirmation email again to {who}.")
            }
            UserAction::ForcePasswordReset => format!("Required a password reset for {who}."),
            UserAction::Tag => format!("Added the tag “{}” to {who}.", tag_label(tag)),
            UserAction::Untag => format!("Removed the tag “{}” from {who}.", tag_label(tag)),
            UserAction::GrantAdmin => format!("Made {who} admin."),
            UserAction::RevokeAdmin => format!("Revoked admin from {who}."),
            UserAction::GrantModerator => format!("Made {who} moderator."),
            UserAction::RevokeModerator => format!("Revoked moderator from {who}."),
            UserAction::Delete => format!("Deleted {who}."),
            UserAction::DisableMfa => {
                format!("Turned off two-factor authentication for {who}.")
            }
            UserAction::ResetLink => format!("Created a password reset link for {who}."),
            UserAction::Follow | UserAction::Unfollow => format!("Updated the follows of {who}."),
        }
    }
}

/// "@alice" for one account, "3 users" for more.
pub fn who(nicknames: &[String]) -> String {
    match nicknames {
        [one] => format!("@{one}"),
        many => format!("{} users", many.len()),
    }
}

/// One row of the create-users form, with its outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateRow {
    pub nickname: String,
    pub email: String,
    pub password: String,
    /// The server's message for this row (`""` when the row was fine).
    pub error: String,
}

/// Parses pasted `nickname,email,password` lines (blank lines skipped; missing parts empty; commas
/// after the second belong to the password).
pub fn parse_pasted_rows(text: &str) -> Vec<CreateRow> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let mut parts = line.splitn(3, ',');
            let mut next = || parts.next().map(str::trim).unwrap_or_default().to_string();
            CreateRow {
                nickname: next(),
                email: next(),
                password: next(),
                error: String::new(),
            }
        })
        .collect()
}

/// A one-time message from a form handler to the page it redirects to, for results that must not
/// travel in the URL (a password reset link, created credentials, the typed values of a refused
/// form). Carried in a short-lived cookie and removed once shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Flash {
    /// A new password reset link.
    ResetLink {
        nickname: String,
        link: String,
        /// How long the link works, in hours.
        valid_hours: i64,
    },
    /// The outcome of a create-users batch.
    CreatedUsers {
        created: bool,
        rows: Vec<CreateRow>,
        /// Passwords were too long to carry back; the rows hold none.
        passwords_dropped: bool,
    },
    /// A refused credentials form: the server's message per field and what was typed.
    CredentialErrors {
        errors: Vec<(String, String)>,
        values: Vec<(String, String)>,
    },
}

/// A flash together with the page it is meant for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlashFor {
    /// The path (no query) of the page that shows it.
    pub path: String,
    pub flash: Flash,
}

/// Days since the Unix epoch of an ISO-8601 timestamp's date (`2024-05-01T…`), if it has one.
pub fn iso_day_number(iso: &str) -> Option<i64> {
    let date = iso.get(..10)?;
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// "today", "yesterday", "5 days ago", "3 months ago", "2 years ago" for an ISO timestamp
/// relative to `now_ms`; the date itself when it can't be read.
pub fn relative_day(iso: &str, now_ms: i64) -> String {
    let Some(day) = iso_day_number(iso) else {
        return iso.to_string();
    };
    let today = now_ms.div_euclid(86_400_000);
    let days = today - day;
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit} ago")
        } else {
            format!("{n} {unit}s ago")
        }
    };
    match days {
        i64::MIN..=-1 => iso.get(..10).unwrap_or(iso).to_string(),
        0 => "today".to_string(),
        1 => "yesterday".to_string(),
        2..=30 => plural(days, "day"),
        31..=364 => plural(days / 30, "month"),
        _ => plural(days / 365, "year"),
    }
}

/// An ISO timestamp as `YYYY-MM-DD HH:MM UTC` (the tooltip of relative dates).
pub fn absolute_time(iso: &str) -> String {
    match (iso.get(..10), iso.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => iso.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_query_round_trips_through_the_url() {
        let q = UserListQuery::from_search(
            "?view=pending&query=al+ice&tags=mrf_tag%3Asandbox&tags=x&actor_types=Service&actor_types=Bogus&page=3&page_size=20&status=nope",
        );
        assert_eq!(q.view, UserView::Pending);
        assert_eq!(q.query, "al ice");
        assert_eq!(q.tags, vec!["mrf_tag:sandbox", "x"]);
        assert_eq!(q.actor_types, vec!["Service"]);
        assert_eq!((q.page, q.page_size), (3, 20));
        assert_eq!(q.status, "");
        assert_eq!(UserListQuery::from_search(&q.to_search()), q);
        assert_eq!(UserListQuery::default().href(), "/admin/users");
        assert_eq!(
            UserListQuery::from_search("page=0&page_size=7"),
            UserListQuery::default()
        );
    }

    #[test]
    fn filters_combine_view_and_choices() {
        let q = UserListQuery::from_search("view=pending&origin=local&role=admin&status=active");
        assert_eq!(
            q.filters(),
            vec!["local", "need_approval", "active", "is_admin"]
        );
        let params = q.api_params();
        assert_eq!(params["filters"], "local,need_approval,active,is_admin");
        assert_eq!(params["page_size"], 50);
        assert!(params.get("query").is_none());
    }

    #[test]
    fn invite_states() {
        let mut invite = Invite {
            max_use: Some(2),
            uses: 1,
            expires_at: Some("2030-01-02".into()),
            ..Invite::default()
        };
        assert_eq!(invite.state("2030-01-02"), InviteState::Valid);
        assert_eq!(invite.state("2030-01-03"), InviteState::Expired);
        invite.uses = 2;
        assert_eq!(invite.state("2030-01-01"), InviteState::UsedUpOrRevoked);
        let revoked = Invite {
            used: true,
            ..Invite::default()
        };
        assert_eq!(revoked.state("2030-01-01"), InviteState::UsedUpOrRevoked);
        let link = Invite {
            token: "a+b/c=".into(),
            ..Invite::default()
        }
        .link("http://x");
        assert_eq!(link, "http://x/registration/a%2Bb%2Fc%3D");
    }

    #[test]
    fn actions_have_stable_keys() {
        for action in UserAction::ALL {
            assert_eq!(UserAction::from_key(action.key()), Some(action));
        }
        assert!(UserAction::Delete.needs_confirmation());
        assert!(!UserAction::Activate.needs_confirmation());
        assert_eq!(who(&["a".into()]), "@a");
        assert_eq!(who(&["a".into(), "b".into()]), "2 users");
        assert_eq!(
            UserAction::Deactivate.failed("@bob"),
            "Couldn't deactivate @bob"
        );
    }

    #[test]
    fn pasted_rows() {
        let rows = parse_pasted_rows("alice, a@x.org ,pw,with,commas\n\n bob\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].email, "a@x.org");
        assert_eq!(rows[0].password, "pw,with,commas");
        assert_eq!(rows[1].nickname, "bob");
        assert_eq!(rows[1].email, "");
    }

    #[test]
    fn bios_come_back_as_text() {
        assert_eq!(
            html_to_text("hi &lt;b&gt;<br/>see <a href=\"https://ex.com/a?b=1&amp;c=2\" rel=\"ugc\">https://ex.com/a?b=1&amp;c=2</a>."),
            "hi <b>\nsee https://ex.com/a?b=1&c=2."
        );
    }

    #[test]
    fn dates() {
        assert_eq!(iso_day_number("1970-01-02T00:00:00Z"), Some(1));
        assert_eq!(iso_day_number("2000-03-01"), Some(11_017));
        let now = 11_017 * 86_400_000 + 5_000;
        assert_eq!(relative_day("2000-03-01T10:00:00Z", now), "today");
        assert_eq!(relative_day("2000-02-29T10:00:00Z", now), "yesterday");
        assert_eq!(relative_day("2000-02-20T10:00:00Z", now), "10 days ago");
        assert_eq!(relative_day("1999-03-01T10:00:00Z", now), "1 year ago");
        assert_eq!(relative_day("garbage", now), "garbage");
        assert_eq!(
            absolute_time("2000-03-01T10:20:30Z"),
            "2000-03-01 10:20 UTC"
        );
        assert_eq!(short_id("0123456789abcdefghijKL"), "…efghijKL");
    }
}
