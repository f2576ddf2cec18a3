//! The panel's view of who is signed in and what they may do.

use serde::{Deserialize, Serialize};

/// The signed-in staff member, as the panel needs it for every screen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub account_id: String,
    pub nickname: String,
    pub display_name: String,
    pub avatar: String,
    pub is_admin: bool,
    pub is_moderator: bool,
    /// Effective privilege names, sorted (auth.md §2).
    pub privileges: Vec<String>,
    /// Sent back with every state-changing request made with the session cookie.
    pub csrf_token: String,
    /// The instance name for the top bar.
    pub instance_name: String,
    /// Admins only: reboot-time settings wait for "Restart now" (config.md §7), for the banner
    /// every panel page shows. Always false for moderators, who can't restart.
    #[serde(default)]
    pub need_reboot: bool,
}

impl SessionInfo {
    /// Whether the session holds a privilege (admins hold what the admin list grants).
    pub fn can(&self, privilege: &str) -> bool {
        self.privileges.iter().any(|p| p == privilege)
    }

    /// The role in words, for the account menu.
    pub fn role_label(&self) -> &'static str {
        match (self.is_admin, self.is_moderator) {
            (true, true) => "Admin and moderator",
            (true, false) => "Admin",
            (false, true) => "Moderator",
            (false, false) => "User",
        }
    }
}
