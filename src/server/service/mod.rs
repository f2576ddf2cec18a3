//! The operations of steward. Both doors (REST handlers and server functions) call these; each one
//! authorises its caller first, then validates, then touches storage.

pub mod accounts;
pub mod config;
pub mod credentials;
pub mod dashboard;
pub mod demo;
pub mod follows;
pub mod instance;
pub mod invites;
pub mod media_proxy;
pub mod merged;
pub mod modlog;
pub mod oauth;
pub mod paging;
pub mod passwords;
pub mod registration;
pub mod reports;
pub mod session;
pub mod status_text;
pub mod statuses;
pub mod text;
pub mod user_lifecycle;
pub mod users;
