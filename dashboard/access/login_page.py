"""The sign-in page: the cockpit's own password form (unless ``local_passwords`` is off)
and, where the unified identity service is configured, the way to sign in there."""

LOGIN_TEMPLATE = """<!doctype html>
<html lang="{{ 'zh-CN' if lang == 'zh' else 'en' }}">
<head><meta charset="utf-8"><title>{{ t('login.title', lang) }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/style.css">{{ head_links | safe }}</head>
<body class="login-body">
<main class="login-card">
  <div class="brand-title">{{ brand }}</div>
  <h1>{{ t('login.title', lang) }}</h1>
  {% if message %}<p class="login-error" role="alert" id="login-error">{{ message }}</p>{% endif %}
  {% if identity %}
  <a class="login-identity" id="login-identity" role="button"
     href="{{ identity }}?{{ {'next': next} | urlencode }}">{{ label }}</a>
  {% endif %}
  {% if passwords %}
  <form method="post" action="/login?{{ {'next': next, 'lang': lang} | urlencode }}">
    {{ form.hidden_tag() }}
    <label>{{ t('login.name', lang) }}
      <input name="name" id="login-name" autocomplete="username" required maxlength="64"></label>
    <label>{{ t('login.password', lang) }}
      <input name="password" id="login-password" type="password"
             autocomplete="current-password" required maxlength="256"></label>
    <button type="submit" id="login-submit">{{ t('login.submit', lang) }}</button>
  </form>
  {% endif %}
  <p class="login-note">{{ t('login.note', lang) }}</p>
</main>
</body></html>
"""
