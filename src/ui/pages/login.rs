//! `/admin/login`: a plain form posted to `/admin/login`, so it works with and without JavaScript.
//! The server answers with a redirect: into the panel, back here with `?error=`, or to the TOTP step.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The words for each error code the login handler can send back (ui.md §4.1).
pub fn error_message(code: &str) -> &'static str {
    match code {
        "not_staff" => "This account is not an admin or moderator.",
        "awaiting_approval" => "This account is awaiting approval.",
        "disabled" => "This account is disabled.",
        "reset_required" => {
            "This account must choose a new password first (password reset required)."
        }
        "unconfirmed" => "This account has not confirmed its email address yet.",
        "throttled" => "Too many attempts. Wait a minute, then try again.",
        "invalid_code" => {
            "That code is not valid. Enter the current code from your authenticator app."
        }
        "missing" => "Enter your nickname or email and your password.",
        "unavailable" => "steward cannot reach its database right now. Try again shortly.",
        _ => "Invalid credentials: check your nickname or email and your password.",
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &str| query.with_untracked(|q| q.get(key)).unwrap_or_default();
    let error = get("error");
    let next = get("next");
    let mfa = get("mfa");
    let totp_step = get("step") == "totp" && !mfa.is_empty();
    let show_password = RwSignal::new(false);
    let error_view = (!error.is_empty()).then(|| {
        view! { <p class="form-error" role="alert" id="login-error">{error_message(&error)}</p> }
    });
    let described_by = if error.is_empty() {
        None
    } else {
        Some("login-error")
    };
    view! {
        <Title text="Log in"/>
        <main class="auth-card">
            <h1>"Log in to the admin panel"</h1>
            {error_view}
            {if totp_step {
                view! {
                    <form method="post" action="/admin/login" class="stack">
                        <input type="hidden" name="mfa_token" value=mfa/>
                        <input type="hidden" name="next" value=next/>
                        <p>"Two-factor authentication is on for this account."</p>
                        <div class="field">
                            <label for="code">"Authentication code"</label>
                            <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code"
                                pattern="[0-9 ]*" required autofocus aria-describedby=described_by/>
                        </div>
                        <button type="submit" class="primary">"Verify"</button>
                        <p><a href="/admin/login">"Start over"</a></p>
                    </form>
                }.into_any()
            } else {
                view! {
                    <form method="post" action="/admin/login" class="stack">
                        <input type="hidden" name="next" value=next/>
                        <div class="field">
                            <label for="username">"Nickname or email"</label>
                            <input id="username" name="username" autocomplete="username" required autofocus
                                aria-describedby=described_by/>
                        </div>
                        <div class="field">
                            <label for="password">"Password"</label>
                            <input id="password" name="password" required autocomplete="current-password"
                                type=move || if show_password.get() { "text" } else { "password" }
                                aria-describedby=described_by/>
                        </div>
                        <label class="checkbox">
                            <input type="checkbox" name="show_password" value="1"
                                on:change=move |ev| show_password.set(event_target_checked(&ev))/>
                            " Show password"
                        </label>
                        <button type="submit" class="primary">"Log in"</button>
                    </form>
                }.into_any()
            }}
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_own_words() {
        let codes = [
            "not_staff",
            "awaiting_approval",
            "disabled",
            "reset_required",
            "unconfirmed",
            "throttled",
            "invalid_code",
            "missing",
            "unavailable",
        ];
        let mut seen: Vec<&str> = codes.iter().map(|c| error_message(c)).collect();
        seen.push(error_message("invalid"));
        let before = seen.len();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), before);
    }
}
