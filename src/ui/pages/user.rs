//! `/admin/users/:id`: one account (ui.md §4.4): header, the per-user actions as buttons, roles and
//! tags, the password reset link, and the Credentials tab. Every action is a small HTML form posted
//! to `/admin/users/action` (or `/admin/users/:id/credentials`), so all of it works without
//! JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map};

use crate::model::query::query_value;
use crate::model::session::SessionInfo;
use crate::model::users::{
    absolute_time, html_to_text, relative_day, tag_label, AdminUser, Credentials, Flash,
    UserAction, CREDENTIAL_TOGGLES, MRF_TAGS,
};
use crate::serverfns::flash::take_flash;
use crate::serverfns::users::{get_credentials, get_user, get_users_overview};
use crate::ui::components::badges::{RoleBadges, StatusBadges};
use crate::ui::components::copy::CopyButton;
use crate::ui::components::load_error::LoadError;
use crate::ui::layout::use_session;
use crate::ui::pages::users::user_href;

/// The credentials of the page's account, loaded only on the Credentials tab.
type CredentialsResource = Resource<Result<Option<Credentials>, crate::error::PanelError>>;

#[component]
pub fn UserPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let tab = Memo::new(move |_| query_value(&location.search.get(), "tab"));
    let user = Resource::new(move || id.get(), get_user);
    let overview = Resource::new(|| (), |_| get_users_overview());
    let flash = Resource::new(move || location.pathname.get(), take_flash);
    // Every resource of the page is created here, in render order: resources created later inside
    // a `Suspend` get ids that depend on timing, and hydration matches resources by id.
    let can_credentials = use_session().can("users_manage_credentials");
    let credentials = Resource::new(
        move || (id.get(), can_credentials && tab.get() == "credentials"),
        |(id, wanted)| async move {
            if wanted {
                get_credentials(id).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let statuses = super::user_tabs::statuses_resource(id, use_session().can("messages_read"));
    let reports =
        super::user_tabs::reports_resource(id, use_session().can("reports_manage_reports"));
    view! {
        <Suspense fallback=|| view! { <div class="card skeleton"></div> }>
            {move || Suspend::new(async move {
                let found = user.await;
                let mailer = overview.await.map(|o| (o.mailer_enabled, o.now_ms)).unwrap_or((false, 0));
                let flash = flash.await.ok().flatten();
                match found {
                    Ok(user) => view! { <UserView user mailer=mailer.0 now_ms=mailer.1 flash tab credentials statuses reports/> }.into_any(),
                    Err(error) => view! {
                        <Title text="User"/>
                        <h1>"User"</h1>
                        <LoadError error what="this account"/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One small form posting an action on one account.
#[component]
fn ActionForm(
    action: UserAction,
    nickname: String,
    back: String,
    csrf: String,
    #[prop(optional, into)] label: Option<String>,
) -> impl IntoView {
    let class = if action.is_destructive() {
        "danger"
    } else {
        ""
    };
    view! {
        <form method="post" action="/admin/users/action" class="inline-form">
            <input type="hidden" name="csrf" value=csrf/>
            <input type="hidden" name="back" value=back/>
            <input type="hidden" name="nicknames" value=nickname/>
            <button type="submit" name="action" value=action.key() class=class>
                {label.unwrap_or_else(|| action.label().to_string())}
            </button>
        </form>
    }
}

#[component]
fn UserView(
    user: AdminUser,
    mailer: bool,
    now_ms: i64,
    flash: Option<Flash>,
    tab: Memo<String>,
    credentials: CredentialsResource,
    statuses: super::user_tabs::UserStatusesResource,
    reports: super::user_tabs::UserReportsResource,
) -> impl IntoView {
    let session = use_session();
    let page = user_href(&user.id);
    let is_self = session.account_id == user.id;
    let can_credentials = session.can("users_manage_credentials");
    let title = format!("{} (@{})", user.display_name, user.nickname);
    let overview_href = page.clone();
    let credentials_href = format!("{page}?tab=credentials");
    let on_credentials = move || tab.get() == "credentials" && can_credentials;
    let can_statuses = session.can("messages_read");
    let can_reports = session.can("reports_manage_reports");
    let statuses_href = format!("{page}?tab=statuses");
    let reports_href = format!("{page}?tab=reports");
    let on_statuses = move || tab.get() == "statuses" && can_statuses;
    let on_reports = move || tab.get() == "reports" && can_reports;
    let on_overview = move || !on_credentials() && !on_statuses() && !on_reports();
    let tab_nick = user.nickname.clone();
    let tab_id = user.id.clone();
    let reset = match &flash {
        Some(Flash::ResetLink {
            nickname,
            link,
            valid_hours,
        }) => Some((nickname.clone(), link.clone(), *valid_hours)),
        _ => None,
    };
    let credential_errors = match flash {
        Some(Flash::CredentialErrors { errors, values }) => Some(RefusedSave {
            errors,
            typed: values,
        }),
        _ => None,
    };
    let header_user = user.clone();
    let body_user = user.clone();
    let session_for_body = session.clone();
    view! {
        <Title text=title/>
        <UserHeader user=header_user now_ms/>
        {reset.map(|(nickname, link, hours)| view! { <ResetLinkBox nickname link hours/> })}
        {(can_credentials || can_statuses || can_reports).then(|| view! {
            <nav class="tabs" aria-label="User sections">
                <a class="tab" href=overview_href aria-current=move || on_overview().then_some("page")>"Overview"</a>
                {can_statuses.then(|| view! {
                    <a class="tab" href=statuses_href aria-current=move || on_statuses().then_some("page")>"Statuses"</a>
                })}
                {can_reports.then(|| view! {
                    <a class="tab" href=reports_href aria-current=move || on_reports().then_some("page")>"Reports"</a>
                })}
                {can_credentials.then(|| view! {
                    <a class="tab" href=credentials_href aria-current=move || on_credentials().then_some("page")>"Credentials"</a>
                })}
            </nav>
        })}
        {move || {
            if on_statuses() {
                view! { <super::user_tabs::UserStatusesTab user_id=tab_id.clone() nickname=tab_nick.clone() data=statuses now_ms/> }.into_any()
            } else if on_reports() {
                view! { <super::user_tabs::UserReportsTab nickname=tab_nick.clone() data=reports now_ms/> }.into_any()
            } else if on_credentials() {
                view! { <CredentialsTab user=body_user.clone() refused=credential_errors.clone() data=credentials/> }.into_any()
            } else {
                view! { <Actions user=body_user.clone() mailer is_self session=session_for_body.clone()/> }.into_any()
            }
        }}
    }
}

#[component]
fn UserHeader(user: AdminUser, now_ms: i64) -> impl IntoView {
    let avatar_alt = format!("avatar of @{}", user.nickname);
    let origin = match user.domain() {
        Some(domain) => format!("Remote · {domain}"),
        None => "Local".to_string(),
    };
    let joined = format!(
        "{} ({})",
        absolute_time(&user.created_at),
        relative_day(&user.created_at, now_ms)
    );
    let reason = user.registration_reason.clone().filter(|r| !r.is_empty());
    let tags = user.tags.clone();
    view! {
        <header class="user-header card">
            <img class="avatar large" src=user.avatar.clone() alt=avatar_alt width="64" height="64"/>
            <div class="user-title">
                <h1>{user.display_name.clone()}</h1>
                <p class="user-nick">"@" {user.nickname.clone()}</p>
                <p class="badges">
                    <StatusBadges user=user.clone()/>
                    <RoleBadges user=user.clone()/>
                    <span class="badge">{origin}</span>
                </p>
            </div>
            <dl class="facts user-facts">
                <dt>"ID"</dt>
                <dd><code class="num">{user.id.clone()}</code><CopyButton value=user.id.clone() label="Copy the account ID"/></dd>
                <dt>"Email"</dt>
                <dd>{user.email.clone().filter(|e| !e.is_empty()).unwrap_or_else(|| "None".into())}</dd>
                <dt>"Joined"</dt>
                <dd><time datetime=user.created_at.clone()>{joined}</time></dd>
                <dt>"Actor type"</dt>
                <dd>{user.actor_type.clone()}</dd>
                <dt>"Tags"</dt>
                <dd>{if tags.is_empty() {
                    "None".to_string()
                } else {
                    tags.iter().map(|t| tag_label(t)).collect::<Vec<_>>().join(", ")
                }}</dd>
                <dt>"Profile"</dt>
                <dd>{profile_link(&user.url)}</dd>
                {reason.map(|r| view! { <dt>"Registration reason"</dt><dd class="reason-text">{r}</dd> })}
            </dl>
        </header>
    }
}

/// The profile URL as a link when it is a web address (it comes from remote servers, so anything
/// else, like `javascript:`, stays plain text).
fn profile_link(url: &str) -> impl IntoView {
    let web = url.starts_with("https://") || url.starts_with("http://");
    if web {
        view! { <a href=url.to_string() rel="noopener noreferrer" target="_blank">{url.to_string()}</a> }.into_any()
    } else {
        view! { <span>{url.to_string()}</span> }.into_any()
    }
}

/// The one-time password reset link (ui.md §4.3: dialog with copy and validity note).
#[component]
fn ResetLinkBox(nickname: String, link: String, hours: i64) -> impl IntoView {
    let validity = if hours == 1 {
        "1 hour".to_string()
    } else {
        format!("{hours} hours")
    };
    view! {
        <section class="card secret-box" aria-labelledby="reset-link-title">
            <h2 id="reset-link-title">"Password reset link"</h2>
            <p>{format!("Send this link privately to @{nickname}. It works once, for {validity}; anyone holding it can set the password. It is shown only now.")}</p>
            <div class="copy-row">
                <code class="copyable" aria-label="Password reset link">{link.clone()}</code>
                <CopyButton value=link label="Copy the password reset link"/>
            </div>
        </section>
    }
}

#[component]
fn Actions(user: AdminUser, mailer: bool, is_self: bool, session: SessionInfo) -> impl IntoView {
    let back = user_href(&user.id);
    let nick = user.nickname.clone();
    let csrf = session.csrf_token.clone();
    let can = |action: UserAction| action.need().met_by(&session);
    let mut account: Vec<UserAction> = Vec::new();
    if user.deactivated {
        account.push(UserAction::Activate);
    } else if !is_self {
        account.push(UserAction::Deactivate);
    }
    if user.approval_pending {
        account.push(UserAction::Approve);
        if !is_self {
            account.push(UserAction::Reject);
        }
    }
    if user.local {
        if user.confirmation_pending {
            account.push(UserAction::ConfirmEmail);
        }
        if mailer && user.email.as_deref().is_some_and(|e| !e.is_empty()) {
            account.push(UserAction::ResendConfirmation);
        }
        account.push(UserAction::ResetLink);
        account.push(UserAction::ForcePasswordReset);
        account.push(UserAction::DisableMfa);
    }
    if !is_self && !user.approval_pending {
        account.push(UserAction::Delete);
    }
    let buttons = |actions: Vec<UserAction>| {
        actions
            .into_iter()
            .filter(|a| can(*a))
            .map(|action| {
                view! { <ActionForm action nickname=nick.clone() back=back.clone() csrf=csrf.clone()/> }
            })
            .collect_view()
    };
    let any_account_action = account.iter().any(|a| can(*a));
    let account_buttons = buttons(account);
    let mut roles: Vec<UserAction> = Vec::new();
    if user.roles.admin {
        if !is_self {
            roles.push(UserAction::RevokeAdmin);
        }
    } else {
        roles.push(UserAction::GrantAdmin);
    }
    roles.push(if user.roles.moderator {
        UserAction::RevokeModerator
    } else {
        UserAction::GrantModerator
    });
    let role_buttons = session.is_admin.then(|| buttons(roles));
    let tags_allowed = can(UserAction::Tag);
    let follows_allowed = can(UserAction::Follow);
    let tag_rows = user
        .tags
        .iter()
        .map(|tag| {
            let label = tag_label(tag);
            let remove = tags_allowed.then(|| {
                view! {
                    <form method="post" action="/admin/users/action" class="inline-form">
                        <input type="hidden" name="csrf" value=csrf.clone()/>
                        <input type="hidden" name="back" value=back.clone()/>
                        <input type="hidden" name="nicknames" value=nick.clone()/>
                        <input type="hidden" name="tag" value=tag.clone()/>
                        <button type="submit" name="action" value="untag" class="chip-remove"
                            aria-label=format!("Remove the tag {label}")>"Remove"</button>
                    </form>
                }
            });
            view! { <li><span class="chip" title=tag.clone()>{label.clone()}</span>{remove}</li> }
        })
        .collect_view();
    let no_tags = user.tags.is_empty();
    view! {
        <div class="user-sections">
            <section class="card" aria-labelledby="actions-title">
                <h2 id="actions-title">"Account actions"</h2>
                <div class="action-buttons">{account_buttons}</div>
                {(!any_account_action).then(|| view! {
                    <p class="hint">"Your role can't change this account."</p>
                })}
                {is_self.then(|| view! {
                    <p class="hint">"This is your own account: you can't deactivate or delete it, or revoke your own admin role."</p>
                })}
            </section>
            {role_buttons.map(|b| view! {
                <section class="card" aria-labelledby="roles-title">
                    <h2 id="roles-title">"Roles"</h2>
                    <p class="hint">{match (user.roles.admin, user.roles.moderator) {
                        (true, true) => "Admin and moderator.",
                        (true, false) => "Admin.",
                        (false, true) => "Moderator.",
                        (false, false) => "No staff role.",
                    }}</p>
                    <div class="action-buttons">{b}</div>
                </section>
            })}
            <section class="card" aria-labelledby="tags-title">
                <h2 id="tags-title">"Tags"</h2>
                {if no_tags {
                    view! { <p class="hint">"No tags."</p> }.into_any()
                } else {
                    view! { <ul class="tag-list">{tag_rows}</ul> }.into_any()
                }}
                {tags_allowed.then(|| view! {
                    <form method="post" action="/admin/users/action" class="tag-form">
                        <input type="hidden" name="csrf" value=csrf.clone()/>
                        <input type="hidden" name="back" value=back.clone()/>
                        <input type="hidden" name="nicknames" value=nick.clone()/>
                        <div class="field">
                            <label for="user-tag">"Preset"</label>
                            <select id="user-tag" name="tag">
                                {MRF_TAGS.into_iter().map(|(tag, label)| view! { <option value=tag>{label}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="user-tag-custom">"Or another tag"</label>
                            <input id="user-tag-custom" name="tag_custom" autocomplete="off"/>
                        </div>
                        <button type="submit" name="action" value="tag">"Add tag"</button>
                    </form>
                })}
            </section>
            {follows_allowed.then(|| view! {
                <section class="card" aria-labelledby="follows-title">
                    <h2 id="follows-title">"Forced follows"</h2>
                    <p class="hint">"Creates or removes a follow directly, ignoring locks; nothing is federated."</p>
                    <form method="post" action="/admin/users/action" class="follow-form">
                        <input type="hidden" name="csrf" value=csrf.clone()/>
                        <input type="hidden" name="back" value=back.clone()/>
                        <input type="hidden" name="nicknames" value=nick.clone()/>
                        <fieldset class="checks">
                            <legend>"Direction"</legend>
                            <label class="checkbox"><input type="radio" name="direction" value="follows" checked/>{format!("@{nick} follows the other account")}</label>
                            <label class="checkbox"><input type="radio" name="direction" value="followed_by"/>{format!("The other account follows @{nick}")}</label>
                        </fieldset>
                        <div class="field">
                            <label for="follow-other">"Other account (nickname)"</label>
                            <input id="follow-other" name="other" required autocomplete="off"/>
                        </div>
                        <div class="action-buttons">
                            <button type="submit" name="action" value="follow">"Force follow"</button>
                            <button type="submit" name="action" value="unfollow">"Force unfollow"</button>
                        </div>
                    </form>
                </section>
            })}
        </div>
    }
}

/// A refused credentials save: the server's message per field and what was typed.
#[derive(Debug, Clone, Default)]
struct RefusedSave {
    errors: Vec<(String, String)>,
    typed: Vec<(String, String)>,
}

/// The Credentials tab: the form of `GET /credentials`, saved by `PATCH /credentials` through
/// `/admin/users/:id/credentials`. Field errors of a refused save stand beside their fields, with
/// what was typed.
#[component]
fn CredentialsTab(
    user: AdminUser,
    refused: Option<RefusedSave>,
    data: CredentialsResource,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <div class="card skeleton"></div> }>
            {move || {
                let user = user.clone();
                let refused = refused.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(Some(credentials)) => view! { <CredentialsForm user credentials refused/> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(error) => view! { <LoadError error what="the credentials"/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn CredentialsForm(
    user: AdminUser,
    credentials: Credentials,
    refused: Option<RefusedSave>,
) -> impl IntoView {
    let session = use_session();
    let RefusedSave { errors, typed } = refused.unwrap_or_default();
    let error_for = move |field: &str| {
        errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    };
    let typed_or = move |field: &str, current: String| {
        typed
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.clone())
            .unwrap_or(current)
    };
    let action = format!("{}/credentials", user_href(&user.id));
    let local = user.local;
    let field_error = |field: &str, label: &str| {
        error_for(field).map(|message| {
            let id = format!("{field}-error");
            (
                id.clone(),
                view! { <p class="form-error" id=id>{format!("{label} {message}.")}</p> },
            )
        })
    };
    let text_field = |field: &'static str,
                      label: &'static str,
                      kind: &'static str,
                      value: String,
                      hint: Option<&'static str>| {
        let error = field_error(field, label);
        let described = error
            .as_ref()
            .map(|(id, _)| id.clone())
            .or(hint.map(|_| format!("{field}-hint")));
        let invalid = error.is_some().then_some("true");
        view! {
            <div class="field">
                <label for=format!("cred-{field}")>{label}</label>
                {hint.map(|h| view! { <p class="hint" id=format!("{field}-hint")>{h}</p> })}
                <input id=format!("cred-{field}") name=field type=kind value=value
                    aria-describedby=described aria-invalid=invalid autocomplete="off"/>
                {error.map(|(_, v)| v)}
            </div>
        }
    };
    let email = typed_or("email", credentials.email.clone().unwrap_or_default());
    let name = typed_or("name", credentials.name.clone());
    let bio = typed_or("bio", html_to_text(&credentials.bio));
    let scope = typed_or("default_scope", credentials.default_scope.clone());
    let actor = typed_or("actor_type", credentials.actor_type.clone());
    let bio_error = field_error("bio", "Bio");
    let fields_error = field_error("fields", "Profile fields");
    let scope_error = field_error("default_scope", "Default visibility");
    let actor_error = field_error("actor_type", "Actor type");
    let mut rows = credentials.raw_fields.clone();
    rows.push(Default::default());
    rows.push(Default::default());
    let field_rows = rows
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let n = i + 1;
            view! {
                <div class="field-pair">
                    <div class="field">
                        <label for=format!("fname-{n}")>{format!("Field {n} label")}</label>
                        <input id=format!("fname-{n}") name="field_name" value=f.name autocomplete="off"/>
                    </div>
                    <div class="field">
                        <label for=format!("fvalue-{n}")>{format!("Field {n} content")}</label>
                        <input id=format!("fvalue-{n}") name="field_value" value=f.value autocomplete="off"/>
                    </div>
                </div>
            }
        })
        .collect_view();
    let toggles = CREDENTIAL_TOGGLES
        .into_iter()
        .map(|(field, label)| {
            let on = credentials.toggle(field);
            view! {
                <label class="checkbox">
                    <input type="checkbox" name=field value="true" checked=on/>
                    {label}
                </label>
            }
        })
        .collect_view();
    let scopes = [
        ("public", "Public"),
        ("unlisted", "Unlisted"),
        ("private", "Followers only"),
        ("direct", "Direct"),
    ];
    let changeable_actor = matches!(actor.as_str(), "Person" | "Service");
    let images = [
        ("avatar", "Avatar", Some(credentials.avatar.clone())),
        ("banner", "Banner", Some(credentials.banner.clone())),
        ("background", "Background", credentials.background.clone()),
    ]
    .into_iter()
    .map(|(field, label, current)| {
        let error = field_error(field, label);
        let described = error.as_ref().map(|(id, _)| id.clone());
        view! {
            <div class="field image-field">
                <label for=format!("cred-{field}")>{label}</label>
                {current.clone().map(|src| view! { <img class="image-preview" src=src alt=format!("current {}", label.to_lowercase()) loading="lazy"/> })}
                <input id=format!("cred-{field}") type="file" name=field accept="image/png,image/jpeg,image/gif,image/webp"
                    aria-describedby=described/>
                {current.is_some().then(|| view! {
                    <label class="checkbox"><input type="checkbox" name=format!("remove_{field}") value="1"/>{format!("Remove the {}", label.to_lowercase())}</label>
                })}
                {error.map(|(_, v)| v)}
            </div>
        }
    })
    .collect_view();
    view! {
        <form method="post" action=action enctype="multipart/form-data" class="card credentials-form" aria-labelledby="cred-title">
            <h2 id="cred-title">"Profile and credentials"</h2>
            <input type="hidden" name="csrf" value=session.csrf_token.clone()/>
            <input type="hidden" name="nickname" value=user.nickname.clone()/>
            {local.then(|| view! {
                <fieldset class="form-section">
                    <legend>"Login"</legend>
                    {text_field("email", "Email", "email", email.clone(), None)}
                    {text_field("password", "New password", "password", String::new(),
                        Some("Leave empty to keep the password. Setting one signs the user out everywhere and makes them choose a new password."))}
                </fieldset>
            })}
            <fieldset class="form-section">
                <legend>"Profile"</legend>
                {text_field("name", "Display name", "text", name, None)}
                <div class="field">
                    <label for="cred-bio">"Bio"</label>
                    <textarea id="cred-bio" name="bio" rows="4"
                        aria-describedby=bio_error.as_ref().map(|(id, _)| id.clone())
                        aria-invalid=bio_error.is_some().then_some("true")>{crate::ui::components::textarea::textarea_text(bio)}</textarea>
                    {bio_error.map(|(_, v)| v)}
                </div>
                <div class="field-list" role="group" aria-label="Profile fields">
                    {field_rows}
                    {fields_error.map(|(_, v)| v)}
                </div>
            </fieldset>
            <fieldset class="form-section">
                <legend>"Settings"</legend>
                <div class="toggle-grid">{toggles}</div>
                <div class="field">
                    <label for="cred-scope">"Default visibility"</label>
                    <select id="cred-scope" name="default_scope">
                        {scopes.into_iter().map(|(value, label)| view! {
                            <option value=value selected={scope == value}>{label}</option>
                        }).collect_view()}
                    </select>
                    {scope_error.map(|(_, v)| v)}
                </div>
                {if changeable_actor {
                    view! {
                        <div class="field">
                            <label for="cred-actor">"Actor type"</label>
                            <select id="cred-actor" name="actor_type">
                                <option value="Person" selected={actor == "Person"}>"Person"</option>
                                <option value="Service" selected={actor == "Service"}>"Service (a bot)"</option>
                            </select>
                            {actor_error.map(|(_, v)| v)}
                        </div>
                    }.into_any()
                } else {
                    view! { <p class="hint">{format!("Actor type: {actor} (only Person and Service can be set here).")}</p> }.into_any()
                }}
            </fieldset>
            <fieldset class="form-section">
                <legend>"Images"</legend>
                <div class="image-grid">{images}</div>
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="primary">"Save changes"</button>
            </div>
        </form>
    }
}
