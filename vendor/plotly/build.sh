#!/bin/sh
# Rebuilds dist/plotly-partial.min.js byte for byte from the exact versions pinned in
# package-lock.json: `sh vendor/plotly/build.sh` (needs node and npm; the app never does).
# The plotly.js version must match the one inside the Python plotly package (requirements.txt);
# tests/test_assets.py checks that.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
version=$(node -p "require('plotly.js/package.json').version")
npx --no-install esbuild entry.js \
  --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
  --define:global=window --define:define.amd=false --define:process.env.NODE_DEBUG=false \
  --banner:js="/*! plotly.js v$version, partial bundle: core, scatter, scatterpolar, bar (vendor/plotly/entry.js). Copyright 2012-2026, Plotly, Inc. MIT license: vendor/plotly/LICENSE */" \
  --loader:.css=empty --log-level=warning --outfile=dist/plotly-partial.min.js
cp node_modules/plotly.js/LICENSE LICENSE
sha256sum dist/plotly-partial.min.js
