//! The Roles & privileges matrix (ui.md §4.11): `[:instance, :admin_privileges]` and
//! `[:instance, :moderator_privileges]` edited as one table, a row per privilege and a column per
//! role. The matrix is only a view of the two checklist fields: each cell is a checkbox of one of
//! the lists (posted under that field's name, as the checklist would post it), so saving builds
//! the two lists with the checklist encoding (a list of atoms, `":users_read"`, config.md §10)
//! through [`super::build_changes`], hydrated and without JavaScript alike.

use serde_json::Value;

use super::{Field, FieldInput};

/// Which column of the matrix a list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Moderator,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Moderator => "Moderator",
        }
    }
}

/// The role whose privilege list `field` is, if it is one of the two lists.
pub fn privilege_list(field: &Field) -> Option<Role> {
    if field.group != ":pleroma" || field.key != ":instance" {
        return None;
    }
    match field.path.as_slice() {
        [one] if one == ":admin_privileges" => Some(Role::Admin),
        [one] if one == ":moderator_privileges" => Some(Role::Moderator),
        _ => None,
    }
}

/// What only admins may ever do, whatever the lists say (auth.md §2): shown in the matrix as rows
/// that always stay with admins, so nobody looks for a box to grant them.
pub const ADMIN_ONLY_AREAS: &[&str] = &[
    "Server settings and restart",
    "Roles (making admins and moderators)",
    "OAuth apps",
    "Relays",
    "Creating users",
    "Forced follows",
    "Media proxy cache",
];

/// What a privilege grants (auth.md §2), for the row label; `None` for a name steward does not
/// know (kept in the list, ignored by the server).
pub fn privilege_grants(name: &str) -> Option<&'static str> {
    Some(match name.trim_start_matches(':') {
        "users_read" => "List and show users",
        "users_manage_invites" => "Invites, approve registrations",
        "users_manage_activation_state" => "Activate and deactivate users",
        "users_manage_tags" => "Tag and untag users",
        "users_manage_credentials" => {
            "Password reset links, forced resets, credentials, MFA, email confirmation"
        }
        "users_delete" => "Delete users",
        "messages_read" => "Read statuses and chats",
        "messages_delete" => "Update and delete statuses",
        "instances_delete" => "Delete a remote instance's data",
        "reports_manage_reports" => "Handle reports",
        "moderation_log_read" => "Read the moderation log",
        "emoji_manage_emoji" => "Reload emoji",
        "statistics_read" => "Statistics and dashboard",
        _ => return None,
    })
}

fn list_of(input: &FieldInput) -> Vec<String> {
    match input {
        FieldInput::List(items) => items.clone(),
        _ => Vec::new(),
    }
}

fn suggestion(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

/// The rows of the matrix: every suggested privilege of either list, in suggestion order, then
/// any other name either list holds now (so nothing stored silently disappears from view).
pub fn matrix_rows(admin: &Field, moderator: &Field, drafts: &[&FieldInput]) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    let mut push = |name: String| {
        if !name.trim().is_empty() && !rows.contains(&name) {
            rows.push(name);
        }
    };
    for value in admin.suggestions.iter().chain(&moderator.suggestions) {
        if let Some(name) = suggestion(value) {
            push(name);
        }
    }
    for input in drafts {
        for name in list_of(input) {
            push(name);
        }
    }
    rows
}

/// The list after ticking (`on`) or unticking `privilege` in it. The list keeps the matrix's row
/// order, except that a list holding exactly the privileges it started with is the starting list
/// itself, so untoggling a box leaves the field unchanged (no save, no "Changed" badge).
pub fn toggle_privilege(
    list: &[String],
    initial: &[String],
    rows: &[String],
    privilege: &str,
    on: bool,
) -> Vec<String> {
    let mut held: Vec<&String> = list.iter().filter(|p| *p != privilege).collect();
    let added = privilege.to_string();
    if on {
        held.push(&added);
    }
    let same_set = held.len() == initial.len() && initial.iter().all(|p| held.contains(&p));
    if same_set {
        return initial.to_vec();
    }
    let mut ordered: Vec<String> = rows.iter().filter(|r| held.contains(r)).cloned().collect();
    for p in held {
        if !ordered.contains(p) {
            ordered.push(p.clone());
        }
    }
    ordered
}

/// The accessible name of one cell's checkbox: `Moderator: users_delete`.
pub fn cell_label(role: Role, privilege: &str) -> String {
    format!("{}: {}", role.label(), privilege.trim_start_matches(':'))
}
