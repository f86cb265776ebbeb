# ruff: noqa: E501
"""The 3D scene's page: plain HTML around the scene, with what it draws inline as JSON
(``routes.scene``). Text is escaped by Jinja; the JSON is not executed (CSP allows no
inline script) but read by ``assets/scene3d.js``."""

# Markup, not code: its lines are as long as its elements.
SCENE_TEMPLATE = """<!doctype html>
<html lang="{{ 'zh-CN' if lang == 'zh' else 'en' }}">
<head><meta charset="utf-8">
<title>{{ area_name }} · {{ t('scene.title', lang) }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/style.css">
<link rel="stylesheet" href="/assets/vendor/maplibre/maplibre-gl.css">
{{ head_links | safe }}
<script src="/assets/vendor/maplibre/maplibre-gl.js" defer></script>
<script src="/assets/scene3d.js" defer></script>
</head>
<body class="scene-body">
<div class="scene-page">
<header class="cockpit-header">
  <div class="brand"><div class="brand-title">{{ brand }}</div>
    <h1><span class="area-name">{{ area_name }}</span>
      <span class="area-level">{{ level_text }}</span>
      <span class="area-level scene-badge">{{ t('scene.title', lang) }}</span></h1></div>
  <nav class="top-nav">
    {% for href, label in nav %}<a href="{{ href }}">{{ label }}</a>{% endfor %}
  </nav>
  <div class="as-of">
    <div><span>{{ t('asof.period', lang) }} </span><strong>{{ period_text }}</strong></div>
    <div class="refreshed">{{ t('asof.refreshed', lang) }} {{ refreshed }}</div>
  </div>
  <a class="lang-switch" href="{{ switch }}">{{ t('lang.switch', lang) }}</a>
</header>
<div class="scene-controls">
  {% if up %}<a class="scene-up" href="{{ up[0] }}">↑ {{ up[1] }}</a>{% endif %}
  <label class="scene-control"><span class="scene-control-label">{{ t('scene.indicator', lang) }}</span>
    <select id="scene3d-indicator" class="scene-indicator">
    {% for value, label in indicators %}
      <option value="{{ value }}"{% if value == indicator %} selected{% endif %}>{{ label }}</option>
    {% endfor %}
    </select></label>
  <fieldset id="scene3d-layers" class="scene-layers">
    <legend class="scene-control-label">{{ t('scene.layers', lang) }}</legend>
    {% for value, label in layer_options %}
    <label><input type="checkbox" class="scene-layer-box" value="{{ value }}"
      {% if value in layers %}checked{% endif %}> {{ label }}</label>
    {% endfor %}
  </fieldset>
  <a class="scene-2d" href="{{ flat }}">{{ t('scene.open2d', lang) }}</a>
</div>
<div class="scene-caption">
  <span id="scene3d-count" class="scene-count"{% if synthetic %} title="{{ t('scene.synthetic.title', lang) }}"{% endif %}>{{ count_text }}</span>
  <span class="scene-help muted">{{ t('scene.help', lang) }}</span>
</div>
<div id="scene3d" class="scene3d" role="application" aria-label="{{ area_name }} {{ t('scene.title', lang) }}"
     data-nowebgl="{{ t('scene.nowebgl', lang) }}">
  <div class="scene-status">{{ t('scene.loading', lang) }}</div>
</div>
<script type="application/json" id="scene3d-spec">{{ spec_json | safe }}</script>
</div>
</body></html>
"""

NOT_FOUND_TEMPLATE = """<!doctype html>
<html lang="{{ 'zh-CN' if lang == 'zh' else 'en' }}"><head><meta charset="utf-8">
<title>{{ t('scene.title', lang) }}</title>
<link rel="stylesheet" href="/assets/style.css"></head>
<body><div class="not-found"><p>{{ message }}</p><p><a href="{{ home }}">{{ t('nav.home', lang) }}</a></p></div></body></html>
"""
