#!/usr/bin/env bash
# Rebuild the vendored front-end assets (GOV.UK Frontend, unbranded) from
# peer_research/static/scss/app.scss. Outputs are committed; run this after
# changing app.scss or bumping the pinned versions below.
#
# Usage: peer_research/static/build-assets.sh [NODE_MODULES]
#   NODE_MODULES  directory containing govuk-frontend and sass
#                 (default: $NODE_MODULES or /tmp/fe/node_modules). If it is
#                 missing, the pinned versions are installed into a temp dir.
set -euo pipefail

GOVUK_FRONTEND_VERSION="6.6.0"
SASS_VERSION="1.108.2"

STATIC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODE_MODULES="${1:-${NODE_MODULES:-/tmp/fe/node_modules}}"

if [[ ! -f "$NODE_MODULES/govuk-frontend/package.json" || ! -f "$NODE_MODULES/sass/sass.js" ]]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  echo "Installing govuk-frontend@$GOVUK_FRONTEND_VERSION sass@$SASS_VERSION into $tmp" >&2
  npm install --prefix "$tmp" --no-save --no-audit --no-fund --ignore-scripts --omit=optional \
    "govuk-frontend@$GOVUK_FRONTEND_VERSION" "sass@$SASS_VERSION" >&2
  NODE_MODULES="$tmp/node_modules"
fi

NODE_MODULES="$(cd "$NODE_MODULES" && pwd)"
GOVUK="$NODE_MODULES/govuk-frontend"
DIST="$GOVUK/dist/govuk"
VENDOR="$STATIC/vendor/govuk"

# Refuse to build silently with other versions than the pinned ones.
for pkg in govuk-frontend:$GOVUK_FRONTEND_VERSION sass:$SASS_VERSION; do
  name="${pkg%%:*}" want="${pkg#*:}"
  have="$(node -p 'require(process.argv[1]).version' "$NODE_MODULES/$name/package.json")"
  [[ "$have" == "$want" ]] || { echo "error: $name is $have, expected $want" >&2; exit 1; }
done

mkdir -p "$STATIC/css" "$VENDOR"
rm -rf "$VENDOR/assets"

# 1. CSS. Deprecation warnings go to stderr; only real errors fail the build.
node "$NODE_MODULES/sass/sass.js" --load-path="$NODE_MODULES" \
  --style=compressed --no-source-map \
  "$STATIC/scss/app.scss" "$STATIC/css/app.css"

# 2. JavaScript: the ES module build that exports initAll.
cp "$DIST/govuk-frontend.min.js" "$VENDOR/govuk-frontend.min.js"

# 3. Only the assets app.css actually references (fonts are never wanted:
#    we use the system font stack).
prefix="/static/vendor/govuk/assets/"
{ grep -o "url([^)]*)" "$STATIC/css/app.css" || true; } \
  | sed -e 's/^url(//' -e 's/)$//' -e 's/^["'\'']//' -e 's/["'\'']$//' \
  | { grep "^$prefix" || true; } | sort -u \
  | while read -r url; do
      rel="${url#"$prefix"}"
      case "$rel" in fonts/*) echo "error: app.css references font $url" >&2; exit 1 ;; esac
      mkdir -p "$VENDOR/assets/$(dirname "$rel")"
      cp "$DIST/assets/$rel" "$VENDOR/assets/$rel"
      echo "copied asset $rel" >&2
    done

# 4. Licence. The npm package ships no LICENSE file (only "license": "MIT" in
#    package.json), so fall back to the upstream LICENSE.txt text.
if [[ -f "$GOVUK/LICENSE.txt" ]]; then
  cp "$GOVUK/LICENSE.txt" "$VENDOR/LICENSE.txt"
elif [[ -f "$GOVUK/LICENSE" ]]; then
  cp "$GOVUK/LICENSE" "$VENDOR/LICENSE.txt"
else
  cat > "$VENDOR/LICENSE.txt" <<'EOF'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF
fi

if grep -q "GDS Transport" "$STATIC/css/app.css"; then
  echo "error: app.css mentions GDS Transport" >&2; exit 1
fi
echo "Built $(wc -c < "$STATIC/css/app.css") bytes -> $STATIC/css/app.css" >&2
