#!/bin/sh
# Stand-in for the native schema engine, which the Prisma CLI would download:
# `prisma generate` only asks it for a version. Migrations use @prisma/schema-engine-wasm.
echo "schema-engine-cli stub"
