//! Staff privileges (auth.md §2).

/// One privilege a staff member may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Privilege {
    UsersRead,
    UsersManageInvites,
    UsersManageActivationState,
    UsersManageTags,
    UsersManageCredentials,
    UsersDelete,
    MessagesRead,
    MessagesDelete,
    InstancesDelete,
    ReportsManageReports,
    ModerationLogRead,
    EmojiManageEmoji,
    StatisticsRead,
}

impl Privilege {
    /// Every privilege; the admin default.
    pub const ALL: [Privilege; 13] = [
        Privilege::UsersRead,
        Privilege::UsersManageInvites,
        Privilege::UsersManageActivationState,
        Privilege::UsersManageTags,
        Privilege::UsersManageCredentials,
        Privilege::UsersDelete,
        Privilege::MessagesRead,
        Privilege::MessagesDelete,
        Privilege::InstancesDelete,
        Privilege::ReportsManageReports,
        Privilege::ModerationLogRead,
        Privilege::EmojiManageEmoji,
        Privilege::StatisticsRead,
    ];

    /// The moderator default.
    pub const MODERATOR_DEFAULT: [Privilege; 4] = [
        Privilege::UsersRead,
        Privilege::MessagesDelete,
        Privilege::ReportsManageReports,
        Privilege::ModerationLogRead,
    ];

    /// The setting's name of this privilege.
    pub fn name(self) -> &'static str {
        match self {
            Privilege::UsersRead => "users_read",
            Privilege::UsersManageInvites => "users_manage_invites",
            Privilege::UsersManageActivationState => "users_manage_activation_state",
            Privilege::UsersManageTags => "users_manage_tags",
            Privilege::UsersManageCredentials => "users_manage_credentials",
            Privilege::UsersDelete => "users_delete",
            Privilege::MessagesRead => "messages_read",
            Privilege::MessagesDelete => "messages_delete",
            Privilege::InstancesDelete => "instances_delete",
            Privilege::ReportsManageReports => "reports_manage_reports",
            Privilege::ModerationLogRead => "moderation_log_read",
            Privilege::EmojiManageEmoji => "emoji_manage_emoji",
            Privilege::StatisticsRead => "statistics_read",
        }
    }

    /// Parses a setting's name; unknown names are `None` (and ignored by callers).
    pub fn from_name(name: &str) -> Option<Privilege> {
        Privilege::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// Effective privileges: the admin list if admin, united with the moderator list if moderator.
pub fn effective(
    is_admin: bool,
    is_moderator: bool,
    admin: &[Privilege],
    moderator: &[Privilege],
) -> Vec<Privilege> {
    let mut out: Vec<Privilege> = Vec::new();
    if is_admin {
        out.extend_from_slice(admin);
    }
    if is_moderator {
        out.extend_from_slice(moderator);
    }
    out.sort_by_key(|p| p.name());
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in Privilege::ALL {
            assert_eq!(Privilege::from_name(p.name()), Some(p));
        }
        assert_eq!(Privilege::from_name("root"), None);
    }

    #[test]
    fn effective_is_union_sorted_by_name() {
        let both = effective(
            true,
            true,
            &[Privilege::StatisticsRead],
            &[Privilege::UsersRead, Privilege::StatisticsRead],
        );
        assert_eq!(both, vec![Privilege::StatisticsRead, Privilege::UsersRead]);
        assert!(effective(false, false, &Privilege::ALL, &Privilege::ALL).is_empty());
    }
}
