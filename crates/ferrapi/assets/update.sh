#!/usr/bin/env bash
# Refreshes the embedded Swagger UI and ReDoc files from the npm registry (see README.md).
# Usage: bash crates/ferrapi/assets/update.sh 5.35.0 2.5.4
set -euo pipefail
swagger=${1:?swagger-ui-dist version}
redoc=${2:?redoc version}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
curl -fsSL "https://registry.npmjs.org/swagger-ui-dist/-/swagger-ui-dist-$swagger.tgz" | tar xz -C "$tmp"
for f in swagger-ui-bundle.js swagger-ui.css oauth2-redirect.html oauth2-redirect.js favicon-32x32.png LICENSE NOTICE; do
    cp "$tmp/package/$f" "$here/swagger-ui/$f"
done
rm -rf "$tmp/package"
curl -fsSL "https://registry.npmjs.org/redoc/-/redoc-$redoc.tgz" | tar xz -C "$tmp"
cp "$tmp/package/bundles/redoc.standalone.js" "$here/redoc/redoc.standalone.js"
cp "$tmp/package/LICENSE" "$here/redoc/LICENSE"
echo "updated: swagger-ui-dist $swagger, redoc $redoc"
