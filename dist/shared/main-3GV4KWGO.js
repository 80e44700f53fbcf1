import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  runBuild
} from "./chunk-XZCYK6ST.js";
import {
  publishContainerDisk
} from "./chunk-CFCO2KWM.js";
import {
  FAILURE_SCREENSHOT,
  KEY_INTERVAL_ENV,
  ScreenReader,
  closeSharedOcr,
  describeKeyEvent,
  planBootCommand,
  require_graceful_fs,
  require_png,
  resolveKeyInterval,
  screenTextMatches
} from "./chunk-JQEPOSES.js";
import {
  FORMATS,
  PACKER_BUILDER_OPTIONS,
  PACKER_PROVISIONER_OPTIONS,
  SUPPORTED_PROVISIONER_TYPES,
  UNSUPPORTED_PROVISIONERS,
  buildSpec,
  formatGoDurationNanos,
  loadBuild,
  loadBuildText
} from "./chunk-3HMVZMVH.js";
import {
  package_default
} from "./chunk-CJERD36X.js";
import {
  ALWAYS_ALLOWED_CALLS,
  API_CALLS,
  CDI_NAMESPACE,
  ContainerDiskCache,
  DEFAULT_TIMEOUTS,
  KEPT_KINDS,
  KubeApi,
  LayerCache,
  NON_RESOURCE_CALLS,
  ObjectClient,
  collectLocalInputs,
  createEngine,
  defaultCacheRoot,
  defaultContainerDiskCacheDir,
  defaultRunId,
  isDnsLabel,
  loadKubeTarget,
  parseQuantity,
  pruneKept,
  renderBuild,
  renderOptions,
  renderedToYaml,
  require_dist,
  stopDetachedVm,
  tryLock
} from "./chunk-JBN22HRT.js";
import {
  BuildFileError,
  LineLogger,
  SecretMasker,
  UserError,
  escapeControls,
  formatBytes,
  formatGoDuration,
  formatProblem,
  formatProgress
} from "./chunk-WJAK4XVW.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-U4LSYZ75.js";

// node_modules/universalify/index.js
var require_universalify = __commonJS({
  "node_modules/universalify/index.js"(exports) {
    "use strict";
    exports.fromCallback = function(fn) {
      return Object.defineProperty(function(...args) {
        if (typeof args[args.length - 1] === "function") fn.apply(this, args);
        else {
          return new Promise((resolve, reject) => {
            args.push((err, res) => err != null ? reject(err) : resolve(res));
            fn.apply(this, args);
          });
        }
      }, "name", { value: fn.name });
    };
    exports.fromPromise = function(fn) {
      return Object.defineProperty(function(...args) {
        const cb = args[args.length - 1];
        if (typeof cb !== "function") return fn.apply(this, args);
        else {
          args.pop();
          fn.apply(this, args).then((r) => cb(null, r), cb);
        }
      }, "name", { value: fn.name });
    };
  }
});

// node_modules/fs-extra/lib/fs/index.js
var require_fs = __commonJS({
  "node_modules/fs-extra/lib/fs/index.js"(exports) {
    "use strict";
    var u = require_universalify().fromCallback;
    var fs2 = require_graceful_fs();
    var api = [
      "access",
      "appendFile",
      "chmod",
      "chown",
      "close",
      "copyFile",
      "cp",
      "fchmod",
      "fchown",
      "fdatasync",
      "fstat",
      "fsync",
      "ftruncate",
      "futimes",
      "glob",
      "lchmod",
      "lchown",
      "lutimes",
      "link",
      "lstat",
      "mkdir",
      "mkdtemp",
      "open",
      "opendir",
      "readdir",
      "readFile",
      "readlink",
      "realpath",
      "rename",
      "rm",
      "rmdir",
      "stat",
      "statfs",
      "symlink",
      "truncate",
      "unlink",
      "utimes",
      "writeFile"
    ].filter((key) => {
      return typeof fs2[key] === "function";
    });
    Object.assign(exports, fs2);
    api.forEach((method) => {
      exports[method] = u(fs2[method]);
    });
    exports.exists = function(filename, callback) {
      if (typeof callback === "function") {
        return fs2.exists(filename, callback);
      }
      return new Promise((resolve) => {
        return fs2.exists(filename, resolve);
      });
    };
    exports.read = function(fd, buffer, offset, length, position, callback) {
      if (typeof callback === "function") {
        return fs2.read(fd, buffer, offset, length, position, callback);
      }
      return new Promise((resolve, reject) => {
        fs2.read(fd, buffer, offset, length, position, (err, bytesRead, buffer2) => {
          if (err) return reject(err);
          resolve({ bytesRead, buffer: buffer2 });
        });
      });
    };
    exports.write = function(fd, buffer, ...args) {
      if (typeof args[args.length - 1] === "function") {
        return fs2.write(fd, buffer, ...args);
      }
      return new Promise((resolve, reject) => {
        fs2.write(fd, buffer, ...args, (err, bytesWritten, buffer2) => {
          if (err) return reject(err);
          resolve({ bytesWritten, buffer: buffer2 });
        });
      });
    };
    exports.readv = function(fd, buffers, ...args) {
      if (typeof args[args.length - 1] === "function") {
        return fs2.readv(fd, buffers, ...args);
      }
      return new Promise((resolve, reject) => {
        fs2.readv(fd, buffers, ...args, (err, bytesRead, buffers2) => {
          if (err) return reject(err);
          resolve({ bytesRead, buffers: buffers2 });
        });
      });
    };
    exports.writev = function(fd, buffers, ...args) {
      if (typeof args[args.length - 1] === "function") {
        return fs2.writev(fd, buffers, ...args);
      }
      return new Promise((resolve, reject) => {
        fs2.writev(fd, buffers, ...args, (err, bytesWritten, buffers2) => {
          if (err) return reject(err);
          resolve({ bytesWritten, buffers: buffers2 });
        });
      });
    };
    if (typeof fs2.realpath.native === "function") {
      exports.realpath.native = u(fs2.realpath.native);
    } else {
      process.emitWarning(
        "fs.realpath.native is not a function. Is fs being monkey-patched?",
        "Warning",
        "fs-extra-WARN0003"
      );
    }
  }
});

// node_modules/fs-extra/lib/mkdirs/utils.js
var require_utils = __commonJS({
  "node_modules/fs-extra/lib/mkdirs/utils.js"(exports, module) {
    "use strict";
    var path12 = __require("path");
    module.exports.checkPath = function checkPath(pth) {
      if (process.platform === "win32") {
        const pathHasInvalidWinCharacters = /[<>:"|?*]/.test(pth.replace(path12.parse(pth).root, ""));
        if (pathHasInvalidWinCharacters) {
          const error = new Error(`Path contains invalid characters: ${pth}`);
          error.code = "EINVAL";
          throw error;
        }
      }
    };
  }
});

// node_modules/fs-extra/lib/mkdirs/make-dir.js
var require_make_dir = __commonJS({
  "node_modules/fs-extra/lib/mkdirs/make-dir.js"(exports, module) {
    "use strict";
    var fs2 = require_fs();
    var { checkPath } = require_utils();
    var getMode = (options) => {
      const defaults = { mode: 511 };
      if (typeof options === "number") return options;
      return { ...defaults, ...options }.mode;
    };
    module.exports.makeDir = async (dir, options) => {
      checkPath(dir);
      return fs2.mkdir(dir, {
        mode: getMode(options),
        recursive: true
      });
    };
    module.exports.makeDirSync = (dir, options) => {
      checkPath(dir);
      return fs2.mkdirSync(dir, {
        mode: getMode(options),
        recursive: true
      });
    };
  }
});

// node_modules/fs-extra/lib/mkdirs/index.js
var require_mkdirs = __commonJS({
  "node_modules/fs-extra/lib/mkdirs/index.js"(exports, module) {
    "use strict";
    var u = require_universalify().fromPromise;
    var { makeDir: _makeDir, makeDirSync } = require_make_dir();
    var makeDir = u(_makeDir);
    module.exports = {
      mkdirs: makeDir,
      mkdirsSync: makeDirSync,
      // alias
      mkdirp: makeDir,
      mkdirpSync: makeDirSync,
      ensureDir: makeDir,
      ensureDirSync: makeDirSync
    };
  }
});

// node_modules/fs-extra/lib/path-exists/index.js
var require_path_exists = __commonJS({
  "node_modules/fs-extra/lib/path-exists/index.js"(exports, module) {
    "use strict";
    var u = require_universalify().fromPromise;
    var fs2 = require_fs();
    function pathExists(path12) {
      return fs2.access(path12).then(() => true).catch(() => false);
    }
    module.exports = {
      pathExists: u(pathExists),
      pathExistsSync: fs2.existsSync
    };
  }
});

// node_modules/fs-extra/lib/util/utimes.js
var require_utimes = __commonJS({
  "node_modules/fs-extra/lib/util/utimes.js"(exports, module) {
    "use strict";
    var fs2 = require_fs();
    var u = require_universalify().fromPromise;
    async function utimesMillis(path12, atime, mtime) {
      const fd = await fs2.open(path12, "r+");
      let closeErr = null;
      try {
        await fs2.futimes(fd, atime, mtime);
      } finally {
        try {
          await fs2.close(fd);
        } catch (e) {
          closeErr = e;
        }
      }
      if (closeErr) {
        throw closeErr;
      }
    }
    function utimesMillisSync(path12, atime, mtime) {
      const fd = fs2.openSync(path12, "r+");
      fs2.futimesSync(fd, atime, mtime);
      return fs2.closeSync(fd);
    }
    module.exports = {
      utimesMillis: u(utimesMillis),
      utimesMillisSync
    };
  }
});

// node_modules/fs-extra/lib/util/stat.js
var require_stat = __commonJS({
  "node_modules/fs-extra/lib/util/stat.js"(exports, module) {
    "use strict";
    var fs2 = require_fs();
    var path12 = __require("path");
    var u = require_universalify().fromPromise;
    function getStats(src, dest, opts) {
      const statFunc = opts.dereference ? (file) => fs2.stat(file, { bigint: true }) : (file) => fs2.lstat(file, { bigint: true });
      return Promise.all([
        statFunc(src),
        statFunc(dest).catch((err) => {
          if (err.code === "ENOENT") return null;
          throw err;
        })
      ]).then(([srcStat, destStat]) => ({ srcStat, destStat }));
    }
    function getStatsSync(src, dest, opts) {
      let destStat;
      const statFunc = opts.dereference ? (file) => fs2.statSync(file, { bigint: true }) : (file) => fs2.lstatSync(file, { bigint: true });
      const srcStat = statFunc(src);
      try {
        destStat = statFunc(dest);
      } catch (err) {
        if (err.code === "ENOENT") return { srcStat, destStat: null };
        throw err;
      }
      return { srcStat, destStat };
    }
    async function checkPaths(src, dest, funcName, opts) {
      const { srcStat, destStat } = await getStats(src, dest, opts);
      if (destStat) {
        if (areIdentical(srcStat, destStat)) {
          const srcBaseName = path12.basename(src);
          const destBaseName = path12.basename(dest);
          if (funcName === "move" && srcBaseName !== destBaseName && srcBaseName.toLowerCase() === destBaseName.toLowerCase()) {
            return { srcStat, destStat, isChangingCase: true };
          }
          throw new Error("Source and destination must not be the same.");
        }
        if (srcStat.isDirectory() && !destStat.isDirectory()) {
          throw new Error(`Cannot overwrite non-directory '${dest}' with directory '${src}'.`);
        }
        if (!srcStat.isDirectory() && destStat.isDirectory()) {
          throw new Error(`Cannot overwrite directory '${dest}' with non-directory '${src}'.`);
        }
      }
      if (srcStat.isDirectory() && isSrcSubdir(src, dest)) {
        throw new Error(errMsg(src, dest, funcName));
      }
      return { srcStat, destStat };
    }
    function checkPathsSync(src, dest, funcName, opts) {
      const { srcStat, destStat } = getStatsSync(src, dest, opts);
      if (destStat) {
        if (areIdentical(srcStat, destStat)) {
          const srcBaseName = path12.basename(src);
          const destBaseName = path12.basename(dest);
          if (funcName === "move" && srcBaseName !== destBaseName && srcBaseName.toLowerCase() === destBaseName.toLowerCase()) {
            return { srcStat, destStat, isChangingCase: true };
          }
          throw new Error("Source and destination must not be the same.");
        }
        if (srcStat.isDirectory() && !destStat.isDirectory()) {
          throw new Error(`Cannot overwrite non-directory '${dest}' with directory '${src}'.`);
        }
        if (!srcStat.isDirectory() && destStat.isDirectory()) {
          throw new Error(`Cannot overwrite directory '${dest}' with non-directory '${src}'.`);
        }
      }
      if (srcStat.isDirectory() && isSrcSubdir(src, dest)) {
        throw new Error(errMsg(src, dest, funcName));
      }
      return { srcStat, destStat };
    }
    async function checkParentPaths(src, srcStat, dest, funcName) {
      const srcParent = path12.resolve(path12.dirname(src));
      const destParent = path12.resolve(path12.dirname(dest));
      if (destParent === srcParent || destParent === path12.parse(destParent).root) return;
      let destStat;
      try {
        destStat = await fs2.stat(destParent, { bigint: true });
      } catch (err) {
        if (err.code === "ENOENT") return;
        throw err;
      }
      if (areIdentical(srcStat, destStat)) {
        throw new Error(errMsg(src, dest, funcName));
      }
      return checkParentPaths(src, srcStat, destParent, funcName);
    }
    function checkParentPathsSync(src, srcStat, dest, funcName) {
      const srcParent = path12.resolve(path12.dirname(src));
      const destParent = path12.resolve(path12.dirname(dest));
      if (destParent === srcParent || destParent === path12.parse(destParent).root) return;
      let destStat;
      try {
        destStat = fs2.statSync(destParent, { bigint: true });
      } catch (err) {
        if (err.code === "ENOENT") return;
        throw err;
      }
      if (areIdentical(srcStat, destStat)) {
        throw new Error(errMsg(src, dest, funcName));
      }
      return checkParentPathsSync(src, srcStat, destParent, funcName);
    }
    function areIdentical(srcStat, destStat) {
      return destStat.ino && destStat.dev && destStat.ino === srcStat.ino && destStat.dev === srcStat.dev;
    }
    function isSrcSubdir(src, dest) {
      const srcArr = path12.resolve(src).split(path12.sep).filter((i) => i);
      const destArr = path12.resolve(dest).split(path12.sep).filter((i) => i);
      return srcArr.every((cur, i) => destArr[i] === cur);
    }
    function errMsg(src, dest, funcName) {
      return `Cannot ${funcName} '${src}' to a subdirectory of itself, '${dest}'.`;
    }
    module.exports = {
      // checkPaths
      checkPaths: u(checkPaths),
      checkPathsSync,
      // checkParent
      checkParentPaths: u(checkParentPaths),
      checkParentPathsSync,
      // Misc
      isSrcSubdir,
      areIdentical
    };
  }
});

// node_modules/fs-extra/lib/copy/copy.js
var require_copy = __commonJS({
  "node_modules/fs-extra/lib/copy/copy.js"(exports, module) {
    "use strict";
    var fs2 = require_fs();
    var path12 = __require("path");
    var { mkdirs } = require_mkdirs();
    var { pathExists } = require_path_exists();
    var { utimesMillis } = require_utimes();
    var stat2 = require_stat();
    async function copy(src, dest, opts = {}) {
      if (typeof opts === "function") {
        opts = { filter: opts };
      }
      opts.clobber = "clobber" in opts ? !!opts.clobber : true;
      opts.overwrite = "overwrite" in opts ? !!opts.overwrite : opts.clobber;
      if (opts.preserveTimestamps && process.arch === "ia32") {
        process.emitWarning(
          "Using the preserveTimestamps option in 32-bit node is not recommended;\n\n	see https://github.com/jprichardson/node-fs-extra/issues/269",
          "Warning",
          "fs-extra-WARN0001"
        );
      }
      const { srcStat, destStat } = await stat2.checkPaths(src, dest, "copy", opts);
      await stat2.checkParentPaths(src, srcStat, dest, "copy");
      const include = await runFilter(src, dest, opts);
      if (!include) return;
      const destParent = path12.dirname(dest);
      const dirExists = await pathExists(destParent);
      if (!dirExists) {
        await mkdirs(destParent);
      }
      await getStatsAndPerformCopy(destStat, src, dest, opts);
    }
    async function runFilter(src, dest, opts) {
      if (!opts.filter) return true;
      return opts.filter(src, dest);
    }
    async function getStatsAndPerformCopy(destStat, src, dest, opts) {
      const statFn = opts.dereference ? fs2.stat : fs2.lstat;
      const srcStat = await statFn(src);
      if (srcStat.isDirectory()) return onDir(srcStat, destStat, src, dest, opts);
      if (srcStat.isFile() || srcStat.isCharacterDevice() || srcStat.isBlockDevice()) return onFile(srcStat, destStat, src, dest, opts);
      if (srcStat.isSymbolicLink()) return onLink(destStat, src, dest, opts);
      if (srcStat.isSocket()) throw new Error(`Cannot copy a socket file: ${src}`);
      if (srcStat.isFIFO()) throw new Error(`Cannot copy a FIFO pipe: ${src}`);
      throw new Error(`Unknown file: ${src}`);
    }
    async function onFile(srcStat, destStat, src, dest, opts) {
      if (!destStat) return copyFile(srcStat, src, dest, opts);
      if (opts.overwrite) {
        await fs2.unlink(dest);
        return copyFile(srcStat, src, dest, opts);
      }
      if (opts.errorOnExist) {
        throw new Error(`'${dest}' already exists`);
      }
    }
    async function copyFile(srcStat, src, dest, opts) {
      await fs2.copyFile(src, dest);
      if (opts.preserveTimestamps) {
        if (fileIsNotWritable(srcStat.mode)) {
          await makeFileWritable(dest, srcStat.mode);
        }
        const updatedSrcStat = await fs2.stat(src);
        await utimesMillis(dest, updatedSrcStat.atime, updatedSrcStat.mtime);
      }
      return fs2.chmod(dest, srcStat.mode);
    }
    function fileIsNotWritable(srcMode) {
      return (srcMode & 128) === 0;
    }
    function makeFileWritable(dest, srcMode) {
      return fs2.chmod(dest, srcMode | 128);
    }
    async function onDir(srcStat, destStat, src, dest, opts) {
      if (!destStat) {
        await fs2.mkdir(dest);
      }
      const promises = [];
      for await (const item of await fs2.opendir(src)) {
        const srcItem = path12.join(src, item.name);
        const destItem = path12.join(dest, item.name);
        promises.push(
          runFilter(srcItem, destItem, opts).then((include) => {
            if (include) {
              return stat2.checkPaths(srcItem, destItem, "copy", opts).then(({ destStat: destStat2 }) => {
                return getStatsAndPerformCopy(destStat2, srcItem, destItem, opts);
              });
            }
          })
        );
      }
      await Promise.all(promises);
      if (!destStat) {
        await fs2.chmod(dest, srcStat.mode);
      }
    }
    async function onLink(destStat, src, dest, opts) {
      let resolvedSrc = await fs2.readlink(src);
      if (opts.dereference) {
        resolvedSrc = path12.resolve(process.cwd(), resolvedSrc);
      }
      if (!destStat) {
        return fs2.symlink(resolvedSrc, dest);
      }
      let resolvedDest = null;
      try {
        resolvedDest = await fs2.readlink(dest);
      } catch (e) {
        if (e.code === "EINVAL" || e.code === "UNKNOWN") return fs2.symlink(resolvedSrc, dest);
        throw e;
      }
      if (opts.dereference) {
        resolvedDest = path12.resolve(process.cwd(), resolvedDest);
      }
      if (stat2.isSrcSubdir(resolvedSrc, resolvedDest)) {
        throw new Error(`Cannot copy '${resolvedSrc}' to a subdirectory of itself, '${resolvedDest}'.`);
      }
      if (stat2.isSrcSubdir(resolvedDest, resolvedSrc)) {
        throw new Error(`Cannot overwrite '${resolvedDest}' with '${resolvedSrc}'.`);
      }
      await fs2.unlink(dest);
      return fs2.symlink(resolvedSrc, dest);
    }
    module.exports = copy;
  }
});

// node_modules/fs-extra/lib/copy/copy-sync.js
var require_copy_sync = __commonJS({
  "node_modules/fs-extra/lib/copy/copy-sync.js"(exports, module) {
    "use strict";
    var fs2 = require_graceful_fs();
    var path12 = __require("path");
    var mkdirsSync = require_mkdirs().mkdirsSync;
    var utimesMillisSync = require_utimes().utimesMillisSync;
    var stat2 = require_stat();
    function copySync(src, dest, opts) {
      if (typeof opts === "function") {
        opts = { filter: opts };
      }
      opts = opts || {};
      opts.clobber = "clobber" in opts ? !!opts.clobber : true;
      opts.overwrite = "overwrite" in opts ? !!opts.overwrite : opts.clobber;
      if (opts.preserveTimestamps && process.arch === "ia32") {
        process.emitWarning(
          "Using the preserveTimestamps option in 32-bit node is not recommended;\n\n	see https://github.com/jprichardson/node-fs-extra/issues/269",
          "Warning",
          "fs-extra-WARN0002"
        );
      }
      const { srcStat, destStat } = stat2.checkPathsSync(src, dest, "copy", opts);
      stat2.checkParentPathsSync(src, srcStat, dest, "copy");
      if (opts.filter && !opts.filter(src, dest)) return;
      const destParent = path12.dirname(dest);
      if (!fs2.existsSync(destParent)) mkdirsSync(destParent);
      return getStats(destStat, src, dest, opts);
    }
    function getStats(destStat, src, dest, opts) {
      const statSync2 = opts.dereference ? fs2.statSync : fs2.lstatSync;
      const srcStat = statSync2(src);
      if (srcStat.isDirectory()) return onDir(srcStat, destStat, src, dest, opts);
      else if (srcStat.isFile() || srcStat.isCharacterDevice() || srcStat.isBlockDevice()) return onFile(srcStat, destStat, src, dest, opts);
      else if (srcStat.isSymbolicLink()) return onLink(destStat, src, dest, opts);
      else if (srcStat.isSocket()) throw new Error(`Cannot copy a socket file: ${src}`);
      else if (srcStat.isFIFO()) throw new Error(`Cannot copy a FIFO pipe: ${src}`);
      throw new Error(`Unknown file: ${src}`);
    }
    function onFile(srcStat, destStat, src, dest, opts) {
      if (!destStat) return copyFile(srcStat, src, dest, opts);
      return mayCopyFile(srcStat, src, dest, opts);
    }
    function mayCopyFile(srcStat, src, dest, opts) {
      if (opts.overwrite) {
        fs2.unlinkSync(dest);
        return copyFile(srcStat, src, dest, opts);
      } else if (opts.errorOnExist) {
        throw new Error(`'${dest}' already exists`);
      }
    }
    function copyFile(srcStat, src, dest, opts) {
      fs2.copyFileSync(src, dest);
      if (opts.preserveTimestamps) handleTimestamps(srcStat.mode, src, dest);
      return setDestMode(dest, srcStat.mode);
    }
    function handleTimestamps(srcMode, src, dest) {
      if (fileIsNotWritable(srcMode)) makeFileWritable(dest, srcMode);
      return setDestTimestamps(src, dest);
    }
    function fileIsNotWritable(srcMode) {
      return (srcMode & 128) === 0;
    }
    function makeFileWritable(dest, srcMode) {
      return setDestMode(dest, srcMode | 128);
    }
    function setDestMode(dest, srcMode) {
      return fs2.chmodSync(dest, srcMode);
    }
    function setDestTimestamps(src, dest) {
      const updatedSrcStat = fs2.statSync(src);
      return utimesMillisSync(dest, updatedSrcStat.atime, updatedSrcStat.mtime);
    }
    function onDir(srcStat, destStat, src, dest, opts) {
      if (!destStat) return mkDirAndCopy(srcStat.mode, src, dest, opts);
      return copyDir(src, dest, opts);
    }
    function mkDirAndCopy(srcMode, src, dest, opts) {
      fs2.mkdirSync(dest);
      copyDir(src, dest, opts);
      return setDestMode(dest, srcMode);
    }
    function copyDir(src, dest, opts) {
      const dir = fs2.opendirSync(src);
      try {
        let dirent;
        while ((dirent = dir.readSync()) !== null) {
          copyDirItem(dirent.name, src, dest, opts);
        }
      } finally {
        dir.closeSync();
      }
    }
    function copyDirItem(item, src, dest, opts) {
      const srcItem = path12.join(src, item);
      const destItem = path12.join(dest, item);
      if (opts.filter && !opts.filter(srcItem, destItem)) return;
      const { destStat } = stat2.checkPathsSync(srcItem, destItem, "copy", opts);
      return getStats(destStat, srcItem, destItem, opts);
    }
    function onLink(destStat, src, dest, opts) {
      let resolvedSrc = fs2.readlinkSync(src);
      if (opts.dereference) {
        resolvedSrc = path12.resolve(process.cwd(), resolvedSrc);
      }
      if (!destStat) {
        return fs2.symlinkSync(resolvedSrc, dest);
      } else {
        let resolvedDest;
        try {
          resolvedDest = fs2.readlinkSync(dest);
        } catch (err) {
          if (err.code === "EINVAL" || err.code === "UNKNOWN") return fs2.symlinkSync(resolvedSrc, dest);
          throw err;
        }
        if (opts.dereference) {
          resolvedDest = path12.resolve(process.cwd(), resolvedDest);
        }
        if (stat2.isSrcSubdir(resolvedSrc, resolvedDest)) {
          throw new Error(`Cannot copy '${resolvedSrc}' to a subdirectory of itself, '${resolvedDest}'.`);
        }
        if (stat2.isSrcSubdir(resolvedDest, resolvedSrc)) {
          throw new Error(`Cannot overwrite '${resolvedDest}' with '${resolvedSrc}'.`);
        }
        return copyLink(resolvedSrc, dest);
      }
    }
    function copyLink(resolvedSrc, dest) {
      fs2.unlinkSync(dest);
      return fs2.symlinkSync(resolvedSrc, dest);
    }
    module.exports = copySync;
  }
});

// node_modules/fs-extra/lib/copy/index.js
var require_copy2 = __commonJS({
  "node_modules/fs-extra/lib/copy/index.js"(exports, module) {
    "use strict";
    var u = require_universalify().fromPromise;
    module.exports = {
      copy: u(require_copy()),
      copySync: require_copy_sync()
    };
  }
});

// node_modules/fs-extra/lib/remove/index.js
var require_remove = __commonJS({
  "node_modules/fs-extra/lib/remove/index.js"(exports, module) {
    "use strict";
    var fs2 = require_graceful_fs();
    var u = require_universalify().fromCallback;
    function remove(path12, callback) {
      fs2.rm(path12, { recursive: true, force: true }, callback);
    }
    function removeSync(path12) {
      fs2.rmSync(path12, { recursive: true, force: true });
    }
    module.exports = {
      remove: u(remove),
      removeSync
    };
  }
});

// node_modules/fs-extra/lib/empty/index.js
var require_empty = __commonJS({
  "node_modules/fs-extra/lib/empty/index.js"(exports, module) {
    "use strict";
    var u = require_universalify().fromPromise;
    var fs2 = require_fs();
    var path12 = __require("path");
    var mkdir3 = require_mkdirs();
    var remove = require_remove();
    var emptyDir = u(async function emptyDir2(dir) {
      let items;
      try {
        items = await fs2.readdir(dir);
      } catch {
        return mkdir3.mkdirs(dir);
      }
      return Promise.all(items.map((item) => remove.remove(path12.join(dir, item))));
    });
    function emptyDirSync(dir) {
      let items;
      try {
        items = fs2.readdirSync(dir);
      } catch {
        return mkdir3.mkdirsSync(dir);
      }
      items.forEach((item) => {
        item = path12.join(dir, item);
        remove.removeSync(item);
      });
    }
    module.exports = {
      emptyDirSync,
      emptydirSync: emptyDirSync,
      emptyDir,
      emptydir: emptyDir
    };
  }
});

// node_modules/fs-extra/lib/ensure/file.js
var require_file = __commonJS({
  "node_modules/fs-extra/lib/ensure/file.js"(exports, module) {
    "use strict";
    var u = require_universalify().fromPromise;
    var path12 = __require("path");
    var fs2 = require_fs();
    var mkdir3 = require_mkdirs();
    async function createFile(file) {
      let stats;
      try {
        stats = await fs2.stat(file);
      } catch {
      }
      if (stats && stats.isFile()) return;
      const dir = path12.dirname(file);
      let dirStats = null;
      try {
        dirStats = await fs2.stat(dir);
      } catch (err) {
        if (err.code === "ENOENT") {
          await mkdir3.mkdirs(dir);
          await fs2.writeFile(file, "");
          return;
        } else {
          throw err;
        }
      }
      if (dirStats.isDirectory()) {
        await fs2.writeFile(file, "");
      } else {
        await fs2.readdir(dir);
      }
    }
    function createFileSync(file) {
      let stats;
      try {
        stats = fs2.statSync(file);
      } catch {
      }
      if (stats && stats.isFile()) return;
      const dir = path12.dirname(file);
      try {
        if (!fs2.statSync(dir).isDirectory()) {
          fs2.readdirSync(dir);
        }
      } catch (err) {
        if (err && err.code === "ENOENT") mkdir3.mkdirsSync(dir);
        else throw err;
      }
      fs2.writeFileSync(file, "");
    }
    module.exports = {
      createFile: u(createFile),
      createFileSync
    };
  }
});

// node_modules/fs-extra/lib/ensure/link.js
var require_link = __commonJS({
  "node_modules/fs-extra/lib/ensure/link.js"(exports, module) {
    "use strict";
    var u = require_universalify().fromPromise;
    var path12 = __require("path");
    var fs2 = require_fs();
    var mkdir3 = require_mkdirs();
    var { pathExists } = require_path_exists();
    var { areIdentical } = require_stat();
    async function createLink(srcpath, dstpath) {
      let dstStat;
      try {
        dstStat = await fs2.lstat(dstpath);
      } catch {
      }
      let srcStat;
      try {
        srcStat = await fs2.lstat(srcpath);
      } catch (err) {
        err.message = err.message.replace("lstat", "ensureLink");
        throw err;
      }
      if (dstStat && areIdentical(srcStat, dstStat)) return;
      const dir = path12.dirname(dstpath);
      const dirExists = await pathExists(dir);
      if (!dirExists) {
        await mkdir3.mkdirs(dir);
      }
      await fs2.link(srcpath, dstpath);
    }
    function createLinkSync(srcpath, dstpath) {
      let dstStat;
      try {
        dstStat = fs2.lstatSync(dstpath);
      } catch {
      }
      try {
        const srcStat = fs2.lstatSync(srcpath);
        if (dstStat && areIdentical(srcStat, dstStat)) return;
      } catch (err) {
        err.message = err.message.replace("lstat", "ensureLink");
        throw err;
      }
      const dir = path12.dirname(dstpath);
      const dirExists = fs2.existsSync(dir);
      if (dirExists) return fs2.linkSync(srcpath, dstpath);
      mkdir3.mkdirsSync(dir);
      return fs2.linkSync(srcpath, dstpath);
    }
    module.exports = {
      createLink: u(createLink),
      createLinkSync
    };
  }
});

// node_modules/fs-extra/lib/ensure/symlink-paths.js
var require_symlink_paths = __commonJS({
  "node_modules/fs-extra/lib/ensure/symlink-paths.js"(exports, module) {
    "use strict";
    var path12 = __require("path");
    var fs2 = require_fs();
    var { pathExists } = require_path_exists();
    var u = require_universalify().fromPromise;
    async function symlinkPaths(srcpath, dstpath) {
      if (path12.isAbsolute(srcpath)) {
        try {
          await fs2.lstat(srcpath);
        } catch (err) {
          err.message = err.message.replace("lstat", "ensureSymlink");
          throw err;
        }
        return {
          toCwd: srcpath,
          toDst: srcpath
        };
      }
      const dstdir = path12.dirname(dstpath);
      const relativeToDst = path12.join(dstdir, srcpath);
      const exists = await pathExists(relativeToDst);
      if (exists) {
        return {
          toCwd: relativeToDst,
          toDst: srcpath
        };
      }
      try {
        await fs2.lstat(srcpath);
      } catch (err) {
        err.message = err.message.replace("lstat", "ensureSymlink");
        throw err;
      }
      return {
        toCwd: srcpath,
        toDst: path12.relative(dstdir, srcpath)
      };
    }
    function symlinkPathsSync(srcpath, dstpath) {
      if (path12.isAbsolute(srcpath)) {
        const exists2 = fs2.existsSync(srcpath);
        if (!exists2) throw new Error("absolute srcpath does not exist");
        return {
          toCwd: srcpath,
          toDst: srcpath
        };
      }
      const dstdir = path12.dirname(dstpath);
      const relativeToDst = path12.join(dstdir, srcpath);
      const exists = fs2.existsSync(relativeToDst);
      if (exists) {
        return {
          toCwd: relativeToDst,
          toDst: srcpath
        };
      }
      const srcExists = fs2.existsSync(srcpath);
      if (!srcExists) throw new Error("relative srcpath does not exist");
      return {
        toCwd: srcpath,
        toDst: path12.relative(dstdir, srcpath)
      };
    }
    module.exports = {
      symlinkPaths: u(symlinkPaths),
      symlinkPathsSync
    };
  }
});

// node_modules/fs-extra/lib/ensure/symlink-type.js
var require_symlink_type = __commonJS({
  "node_modules/fs-extra/lib/ensure/symlink-type.js"(exports, module) {
    "use strict";
    var fs2 = require_fs();
    var u = require_universalify().fromPromise;
    async function symlinkType(srcpath, type) {
      if (type) return type;
      let stats;
      try {
        stats = await fs2.lstat(srcpath);
      } catch {
        return "file";
      }
      return stats && stats.isDirectory() ? "dir" : "file";
    }
    function symlinkTypeSync(srcpath, type) {
      if (type) return type;
      let stats;
      try {
        stats = fs2.lstatSync(srcpath);
      } catch {
        return "file";
      }
      return stats && stats.isDirectory() ? "dir" : "file";
    }
    module.exports = {
      symlinkType: u(symlinkType),
      symlinkTypeSync
    };
  }
});

// node_modules/fs-extra/lib/ensure/symlink.js
var require_symlink = __commonJS({
  "node_modules/fs-extra/lib/ensure/symlink.js"(exports, module) {
    "use strict";
    var u = require_universalify().fromPromise;
    var path12 = __require("path");
    var fs2 = require_fs();
    var { mkdirs, mkdirsSync } = require_mkdirs();
    var { symlinkPaths, symlinkPathsSync } = require_symlink_paths();
    var { symlinkType, symlinkTypeSync } = require_symlink_type();
    var { pathExists } = require_path_exists();
    var { areIdentical } = require_stat();
    async function createSymlink(srcpath, dstpath, type) {
      let stats;
      try {
        stats = await fs2.lstat(dstpath);
      } catch {
      }
      if (stats && stats.isSymbolicLink()) {
        const [srcStat, dstStat] = await Promise.all([
          fs2.stat(srcpath),
          fs2.stat(dstpath)
        ]);
        if (areIdentical(srcStat, dstStat)) return;
      }
      const relative = await symlinkPaths(srcpath, dstpath);
      srcpath = relative.toDst;
      const toType = await symlinkType(relative.toCwd, type);
      const dir = path12.dirname(dstpath);
      if (!await pathExists(dir)) {
        await mkdirs(dir);
      }
      return fs2.symlink(srcpath, dstpath, toType);
    }
    function createSymlinkSync(srcpath, dstpath, type) {
      let stats;
      try {
        stats = fs2.lstatSync(dstpath);
      } catch {
      }
      if (stats && stats.isSymbolicLink()) {
        const srcStat = fs2.statSync(srcpath);
        const dstStat = fs2.statSync(dstpath);
        if (areIdentical(srcStat, dstStat)) return;
      }
      const relative = symlinkPathsSync(srcpath, dstpath);
      srcpath = relative.toDst;
      type = symlinkTypeSync(relative.toCwd, type);
      const dir = path12.dirname(dstpath);
      const exists = fs2.existsSync(dir);
      if (exists) return fs2.symlinkSync(srcpath, dstpath, type);
      mkdirsSync(dir);
      return fs2.symlinkSync(srcpath, dstpath, type);
    }
    module.exports = {
      createSymlink: u(createSymlink),
      createSymlinkSync
    };
  }
});

// node_modules/fs-extra/lib/ensure/index.js
var require_ensure = __commonJS({
  "node_modules/fs-extra/lib/ensure/index.js"(exports, module) {
    "use strict";
    var { createFile, createFileSync } = require_file();
    var { createLink, createLinkSync } = require_link();
    var { createSymlink, createSymlinkSync } = require_symlink();
    module.exports = {
      // file
      createFile,
      createFileSync,
      ensureFile: createFile,
      ensureFileSync: createFileSync,
      // link
      createLink,
      createLinkSync,
      ensureLink: createLink,
      ensureLinkSync: createLinkSync,
      // symlink
      createSymlink,
      createSymlinkSync,
      ensureSymlink: createSymlink,
      ensureSymlinkSync: createSymlinkSync
    };
  }
});

// node_modules/jsonfile/utils.js
var require_utils2 = __commonJS({
  "node_modules/jsonfile/utils.js"(exports, module) {
    function stringify2(obj, { EOL = "\n", finalEOL = true, replacer = null, spaces } = {}) {
      const EOF = finalEOL ? EOL : "";
      const str2 = JSON.stringify(obj, replacer, spaces);
      if (str2 === void 0) {
        throw new TypeError(`Converting ${typeof obj} value to JSON is not supported`);
      }
      return str2.replace(/\n/g, EOL) + EOF;
    }
    function stripBom(content) {
      if (Buffer.isBuffer(content)) content = content.toString("utf8");
      return content.replace(/^\uFEFF/, "");
    }
    module.exports = { stringify: stringify2, stripBom };
  }
});

// node_modules/jsonfile/index.js
var require_jsonfile = __commonJS({
  "node_modules/jsonfile/index.js"(exports, module) {
    var _fs;
    try {
      _fs = require_graceful_fs();
    } catch (_) {
      _fs = __require("fs");
    }
    var universalify = require_universalify();
    var { stringify: stringify2, stripBom } = require_utils2();
    async function _readFile(file, options = {}) {
      if (typeof options === "string") {
        options = { encoding: options };
      }
      const fs2 = options.fs || _fs;
      const shouldThrow = "throws" in options ? options.throws : true;
      let data = await universalify.fromCallback(fs2.readFile)(file, options);
      data = stripBom(data);
      let obj;
      try {
        obj = JSON.parse(data, options ? options.reviver : null);
      } catch (err) {
        if (shouldThrow) {
          err.message = `${file}: ${err.message}`;
          throw err;
        } else {
          return null;
        }
      }
      return obj;
    }
    var readFile4 = universalify.fromPromise(_readFile);
    function readFileSync3(file, options = {}) {
      if (typeof options === "string") {
        options = { encoding: options };
      }
      const fs2 = options.fs || _fs;
      const shouldThrow = "throws" in options ? options.throws : true;
      try {
        let content = fs2.readFileSync(file, options);
        content = stripBom(content);
        return JSON.parse(content, options.reviver);
      } catch (err) {
        if (shouldThrow) {
          err.message = `${file}: ${err.message}`;
          throw err;
        } else {
          return null;
        }
      }
    }
    async function _writeFile(file, obj, options = {}) {
      const fs2 = options.fs || _fs;
      const str2 = stringify2(obj, options);
      await universalify.fromCallback(fs2.writeFile)(file, str2, options);
    }
    var writeFile2 = universalify.fromPromise(_writeFile);
    function writeFileSync(file, obj, options = {}) {
      const fs2 = options.fs || _fs;
      const str2 = stringify2(obj, options);
      return fs2.writeFileSync(file, str2, options);
    }
    module.exports = {
      readFile: readFile4,
      readFileSync: readFileSync3,
      writeFile: writeFile2,
      writeFileSync
    };
  }
});

// node_modules/fs-extra/lib/json/jsonfile.js
var require_jsonfile2 = __commonJS({
  "node_modules/fs-extra/lib/json/jsonfile.js"(exports, module) {
    "use strict";
    var jsonFile = require_jsonfile();
    module.exports = {
      // jsonfile exports
      readJson: jsonFile.readFile,
      readJsonSync: jsonFile.readFileSync,
      writeJson: jsonFile.writeFile,
      writeJsonSync: jsonFile.writeFileSync
    };
  }
});

// node_modules/fs-extra/lib/output-file/index.js
var require_output_file = __commonJS({
  "node_modules/fs-extra/lib/output-file/index.js"(exports, module) {
    "use strict";
    var u = require_universalify().fromPromise;
    var fs2 = require_fs();
    var path12 = __require("path");
    var mkdir3 = require_mkdirs();
    var pathExists = require_path_exists().pathExists;
    async function outputFile(file, data, encoding = "utf-8") {
      const dir = path12.dirname(file);
      if (!await pathExists(dir)) {
        await mkdir3.mkdirs(dir);
      }
      return fs2.writeFile(file, data, encoding);
    }
    function outputFileSync(file, ...args) {
      const dir = path12.dirname(file);
      if (!fs2.existsSync(dir)) {
        mkdir3.mkdirsSync(dir);
      }
      fs2.writeFileSync(file, ...args);
    }
    module.exports = {
      outputFile: u(outputFile),
      outputFileSync
    };
  }
});

// node_modules/fs-extra/lib/json/output-json.js
var require_output_json = __commonJS({
  "node_modules/fs-extra/lib/json/output-json.js"(exports, module) {
    "use strict";
    var { stringify: stringify2 } = require_utils2();
    var { outputFile } = require_output_file();
    async function outputJson(file, data, options = {}) {
      const str2 = stringify2(data, options);
      await outputFile(file, str2, options);
    }
    module.exports = outputJson;
  }
});

// node_modules/fs-extra/lib/json/output-json-sync.js
var require_output_json_sync = __commonJS({
  "node_modules/fs-extra/lib/json/output-json-sync.js"(exports, module) {
    "use strict";
    var { stringify: stringify2 } = require_utils2();
    var { outputFileSync } = require_output_file();
    function outputJsonSync(file, data, options) {
      const str2 = stringify2(data, options);
      outputFileSync(file, str2, options);
    }
    module.exports = outputJsonSync;
  }
});

// node_modules/fs-extra/lib/json/index.js
var require_json = __commonJS({
  "node_modules/fs-extra/lib/json/index.js"(exports, module) {
    "use strict";
    var u = require_universalify().fromPromise;
    var jsonFile = require_jsonfile2();
    jsonFile.outputJson = u(require_output_json());
    jsonFile.outputJsonSync = require_output_json_sync();
    jsonFile.outputJSON = jsonFile.outputJson;
    jsonFile.outputJSONSync = jsonFile.outputJsonSync;
    jsonFile.writeJSON = jsonFile.writeJson;
    jsonFile.writeJSONSync = jsonFile.writeJsonSync;
    jsonFile.readJSON = jsonFile.readJson;
    jsonFile.readJSONSync = jsonFile.readJsonSync;
    module.exports = jsonFile;
  }
});

// node_modules/fs-extra/lib/move/move.js
var require_move = __commonJS({
  "node_modules/fs-extra/lib/move/move.js"(exports, module) {
    "use strict";
    var fs2 = require_fs();
    var path12 = __require("path");
    var { copy } = require_copy2();
    var { remove } = require_remove();
    var { mkdirp } = require_mkdirs();
    var { pathExists } = require_path_exists();
    var stat2 = require_stat();
    async function move(src, dest, opts = {}) {
      const overwrite = opts.overwrite || opts.clobber || false;
      const { srcStat, isChangingCase = false } = await stat2.checkPaths(src, dest, "move", opts);
      await stat2.checkParentPaths(src, srcStat, dest, "move");
      const destParent = path12.dirname(dest);
      const parsedParentPath = path12.parse(destParent);
      if (parsedParentPath.root !== destParent) {
        await mkdirp(destParent);
      }
      return doRename(src, dest, overwrite, isChangingCase);
    }
    async function doRename(src, dest, overwrite, isChangingCase) {
      if (!isChangingCase) {
        if (overwrite) {
          await remove(dest);
        } else if (await pathExists(dest)) {
          throw new Error("dest already exists.");
        }
      }
      try {
        await fs2.rename(src, dest);
      } catch (err) {
        if (err.code !== "EXDEV") {
          throw err;
        }
        await moveAcrossDevice(src, dest, overwrite);
      }
    }
    async function moveAcrossDevice(src, dest, overwrite) {
      const opts = {
        overwrite,
        errorOnExist: true,
        preserveTimestamps: true
      };
      await copy(src, dest, opts);
      return remove(src);
    }
    module.exports = move;
  }
});

// node_modules/fs-extra/lib/move/move-sync.js
var require_move_sync = __commonJS({
  "node_modules/fs-extra/lib/move/move-sync.js"(exports, module) {
    "use strict";
    var fs2 = require_graceful_fs();
    var path12 = __require("path");
    var copySync = require_copy2().copySync;
    var removeSync = require_remove().removeSync;
    var mkdirpSync = require_mkdirs().mkdirpSync;
    var stat2 = require_stat();
    function moveSync(src, dest, opts) {
      opts = opts || {};
      const overwrite = opts.overwrite || opts.clobber || false;
      const { srcStat, isChangingCase = false } = stat2.checkPathsSync(src, dest, "move", opts);
      stat2.checkParentPathsSync(src, srcStat, dest, "move");
      if (!isParentRoot(dest)) mkdirpSync(path12.dirname(dest));
      return doRename(src, dest, overwrite, isChangingCase);
    }
    function isParentRoot(dest) {
      const parent = path12.dirname(dest);
      const parsedPath = path12.parse(parent);
      return parsedPath.root === parent;
    }
    function doRename(src, dest, overwrite, isChangingCase) {
      if (isChangingCase) return rename(src, dest, overwrite);
      if (overwrite) {
        removeSync(dest);
        return rename(src, dest, overwrite);
      }
      if (fs2.existsSync(dest)) throw new Error("dest already exists.");
      return rename(src, dest, overwrite);
    }
    function rename(src, dest, overwrite) {
      try {
        fs2.renameSync(src, dest);
      } catch (err) {
        if (err.code !== "EXDEV") throw err;
        return moveAcrossDevice(src, dest, overwrite);
      }
    }
    function moveAcrossDevice(src, dest, overwrite) {
      const opts = {
        overwrite,
        errorOnExist: true,
        preserveTimestamps: true
      };
      copySync(src, dest, opts);
      return removeSync(src);
    }
    module.exports = moveSync;
  }
});

// node_modules/fs-extra/lib/move/index.js
var require_move2 = __commonJS({
  "node_modules/fs-extra/lib/move/index.js"(exports, module) {
    "use strict";
    var u = require_universalify().fromPromise;
    module.exports = {
      move: u(require_move()),
      moveSync: require_move_sync()
    };
  }
});

// node_modules/fs-extra/lib/index.js
var require_lib = __commonJS({
  "node_modules/fs-extra/lib/index.js"(exports, module) {
    "use strict";
    module.exports = {
      // Export promiseified graceful-fs:
      ...require_fs(),
      // Export extra methods:
      ...require_copy2(),
      ...require_empty(),
      ...require_ensure(),
      ...require_json(),
      ...require_mkdirs(),
      ...require_move2(),
      ...require_output_file(),
      ...require_path_exists(),
      ...require_remove()
    };
  }
});

// node_modules/@cdktf/hcl2json/lib/deepmerge.js
var require_deepmerge = __commonJS({
  "node_modules/@cdktf/hcl2json/lib/deepmerge.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.deepMerge = void 0;
    function deepMerge(target, ...sources) {
      for (const source of sources) {
        if (typeof source !== "object" || typeof target !== "object") {
          throw new Error(`Invalid usage. Both source (${JSON.stringify(source)}) and target (${JSON.stringify(target)}) must be objects`);
        }
        for (const key of Object.keys(source)) {
          const value = source[key];
          if (typeof value === "object" && value != null && !Array.isArray(value)) {
            if (typeof target[key] !== "object") {
              target[key] = {};
            }
            deepMerge(target[key], value);
            const output = target[key];
            if (typeof output === "object" && Object.keys(output).length === 0) {
              delete target[key];
            }
          } else if (typeof value === "object" && value != null && Array.isArray(value)) {
            if (Array.isArray(target[key])) {
              target[key] = [...target[key], ...value];
            } else {
              target[key] = value;
            }
          } else if (value === void 0) {
            delete target[key];
          } else {
            target[key] = value;
          }
        }
      }
      return target;
    }
    exports.deepMerge = deepMerge;
  }
});

// node_modules/@cdktf/hcl2json/lib/syntax-tree.js
var require_syntax_tree = __commonJS({
  "node_modules/@cdktf/hcl2json/lib/syntax-tree.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.getChildWithValue = exports.isIndexTraversalPart = exports.isNameTraversalPart = exports.isObjectExpression = exports.isTupleExpression = exports.isBinaryOpExpression = exports.isUnaryOpExpression = exports.isConditionalExpression = exports.isSplatExpression = exports.isIndexExpression = exports.isLiteralValueExpression = exports.isRelativeTraversalExpression = exports.isScopeTraversalExpression = exports.isFunctionCallExpression = exports.isTemplateExpression = exports.isTemplateWrapExpression = exports.isForExpression = void 0;
    function isForExpression(ast) {
      return ast.type === "for";
    }
    exports.isForExpression = isForExpression;
    function isTemplateWrapExpression(ast) {
      return ast.type === "templateWrap";
    }
    exports.isTemplateWrapExpression = isTemplateWrapExpression;
    function isTemplateExpression(ast) {
      return ast.type === "template";
    }
    exports.isTemplateExpression = isTemplateExpression;
    function isFunctionCallExpression(ast) {
      return ast.type === "function";
    }
    exports.isFunctionCallExpression = isFunctionCallExpression;
    function isScopeTraversalExpression(ast) {
      return ast.type === "scopeTraversal";
    }
    exports.isScopeTraversalExpression = isScopeTraversalExpression;
    function isRelativeTraversalExpression(ast) {
      return ast.type === "relativeTraversal";
    }
    exports.isRelativeTraversalExpression = isRelativeTraversalExpression;
    function isLiteralValueExpression(ast) {
      return ast.type === "literalValue";
    }
    exports.isLiteralValueExpression = isLiteralValueExpression;
    function isIndexExpression(ast) {
      return ast.type === "index";
    }
    exports.isIndexExpression = isIndexExpression;
    function isSplatExpression(ast) {
      return ast.type === "splat";
    }
    exports.isSplatExpression = isSplatExpression;
    function isConditionalExpression(ast) {
      return ast.type === "conditional";
    }
    exports.isConditionalExpression = isConditionalExpression;
    function isUnaryOpExpression(ast) {
      return ast.type === "unaryOp";
    }
    exports.isUnaryOpExpression = isUnaryOpExpression;
    function isBinaryOpExpression(ast) {
      return ast.type === "binaryOp";
    }
    exports.isBinaryOpExpression = isBinaryOpExpression;
    function isTupleExpression(ast) {
      return ast.type === "tuple";
    }
    exports.isTupleExpression = isTupleExpression;
    function isObjectExpression(part) {
      return part.type === "object";
    }
    exports.isObjectExpression = isObjectExpression;
    function isNameTraversalPart(part) {
      return part.type === "nameTraversal";
    }
    exports.isNameTraversalPart = isNameTraversalPart;
    function isIndexTraversalPart(part) {
      return part.type === "indexTraversal";
    }
    exports.isIndexTraversalPart = isIndexTraversalPart;
    function getChildWithValue(node, value) {
      if (!node.children) {
        return null;
      }
      return node.children.find((child) => {
        if (!child.meta)
          return false;
        return child.meta.value === value;
      });
    }
    exports.getChildWithValue = getChildWithValue;
  }
});

// node_modules/@cdktf/hcl2json/lib/references.js
var require_references = __commonJS({
  "node_modules/@cdktf/hcl2json/lib/references.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.findAllReferencesInAst = exports.traversalToReference = void 0;
    var syntax_tree_1 = require_syntax_tree();
    function traversalToReference(traversalExpression, localVariables) {
      const meta = traversalExpression.meta;
      function onlyTakeTraversalPartsUntilFirstBracketPropertyAccess(traversals) {
        let filtered = [];
        let index = 0;
        for (const traversal of traversals) {
          if ("segment" in traversal) {
            if (index === 0) {
              if (localVariables === null || localVariables === void 0 ? void 0 : localVariables.includes(traversal.segment)) {
                return [];
              }
            }
            filtered.push(traversal);
          } else {
            return filtered;
          }
        }
        return filtered;
      }
      const filteredParts = onlyTakeTraversalPartsUntilFirstBracketPropertyAccess(meta.traversal);
      if (filteredParts.length === 0) {
        return null;
      }
      const startPosition = filteredParts[0].range.start.byte;
      const endPosition = filteredParts[filteredParts.length - 1].range.end.byte;
      return {
        value: filteredParts.map((part) => part.segment).join("."),
        startPosition,
        endPosition
      };
    }
    exports.traversalToReference = traversalToReference;
    function findAllReferencesInAst(input, entry, localVariables) {
      if (!entry) {
        return [];
      }
      switch (entry.type) {
        case "scopeTraversal": {
          const reference = traversalToReference(entry, localVariables);
          if (reference)
            return [reference];
          return [];
        }
        case "for": {
          const meta = entry.meta;
          const additionalLocalVariables = [
            meta.keyVar,
            meta.valVar,
            ...localVariables || []
          ];
          return [
            ...findAllReferencesInAst(input, (0, syntax_tree_1.getChildWithValue)(entry, meta.collectionExpression), additionalLocalVariables),
            ...findAllReferencesInAst(input, (0, syntax_tree_1.getChildWithValue)(entry, meta.conditionalExpression), additionalLocalVariables)
          ];
        }
        default:
          return entry.children.map((child) => findAllReferencesInAst(input, child, localVariables)).flat();
      }
    }
    exports.findAllReferencesInAst = findAllReferencesInAst;
  }
});

// node_modules/@cdktf/hcl2json/lib/util.js
var require_util = __commonJS({
  "node_modules/@cdktf/hcl2json/lib/util.js"(exports) {
    "use strict";
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.wrapTerraformExpression = exports.replaceQuotes = void 0;
    function replaceQuotes(input) {
      const fullyQuotedMatch = /^(\s*")(.*)("\s*)$/.exec(input);
      const hasTemplate = /(?<!\$)\$\{/.test(input);
      if (fullyQuotedMatch !== null && !hasTemplate) {
        return `${fullyQuotedMatch[1]}${fullyQuotedMatch[2].replace(/"/g, `\\"`)}${fullyQuotedMatch[3]}`;
      }
      return input;
    }
    exports.replaceQuotes = replaceQuotes;
    function wrapTerraformExpression(input) {
      input = replaceQuotes(input);
      if (!isNaN(Number(input))) {
        return { wrap: input, wrapOffset: 0 };
      }
      if (input === "true" || input === "false") {
        return { wrap: input, wrapOffset: 0 };
      }
      if (input.startsWith(`"`)) {
        if (input.indexOf("\n") >= 0) {
          const trimWrapped = input.substring(1, input.length - 1);
          return {
            wrap: `<<EOE
${trimWrapped}
EOE
`,
            wrapOffset: 5
          };
        }
        return { wrap: input, wrapOffset: 0 };
      }
      if (input.startsWith("[") || input.startsWith("{")) {
        return { wrap: input, wrapOffset: 0 };
      }
      if (input.startsWith("<<")) {
        if (!input.endsWith("\n")) {
          return { wrap: input + "\n", wrapOffset: 0 };
        }
        return { wrap: input, wrapOffset: 0 };
      }
      return { wrap: `"${input}"`, wrapOffset: 1 };
    }
    exports.wrapTerraformExpression = wrapTerraformExpression;
  }
});

// node_modules/@cdktf/hcl2json/wasm/wasm_exec.js
var require_wasm_exec = __commonJS({
  "node_modules/@cdktf/hcl2json/wasm/wasm_exec.js"() {
    "use strict";
    (() => {
      const enosys = () => {
        const err = new Error("not implemented");
        err.code = "ENOSYS";
        return err;
      };
      if (!globalThis.fs) {
        let outputBuf = "";
        globalThis.fs = {
          constants: { O_WRONLY: -1, O_RDWR: -1, O_CREAT: -1, O_TRUNC: -1, O_APPEND: -1, O_EXCL: -1 },
          // unused
          writeSync(fd, buf) {
            outputBuf += decoder.decode(buf);
            const nl = outputBuf.lastIndexOf("\n");
            if (nl != -1) {
              console.log(outputBuf.substr(0, nl));
              outputBuf = outputBuf.substr(nl + 1);
            }
            return buf.length;
          },
          write(fd, buf, offset, length, position, callback) {
            if (offset !== 0 || length !== buf.length || position !== null) {
              callback(enosys());
              return;
            }
            const n = this.writeSync(fd, buf);
            callback(null, n);
          },
          chmod(path12, mode, callback) {
            callback(enosys());
          },
          chown(path12, uid, gid, callback) {
            callback(enosys());
          },
          close(fd, callback) {
            callback(enosys());
          },
          fchmod(fd, mode, callback) {
            callback(enosys());
          },
          fchown(fd, uid, gid, callback) {
            callback(enosys());
          },
          fstat(fd, callback) {
            callback(enosys());
          },
          fsync(fd, callback) {
            callback(null);
          },
          ftruncate(fd, length, callback) {
            callback(enosys());
          },
          lchown(path12, uid, gid, callback) {
            callback(enosys());
          },
          link(path12, link, callback) {
            callback(enosys());
          },
          lstat(path12, callback) {
            callback(enosys());
          },
          mkdir(path12, perm, callback) {
            callback(enosys());
          },
          open(path12, flags, mode, callback) {
            callback(enosys());
          },
          read(fd, buffer, offset, length, position, callback) {
            callback(enosys());
          },
          readdir(path12, callback) {
            callback(enosys());
          },
          readlink(path12, callback) {
            callback(enosys());
          },
          rename(from, to, callback) {
            callback(enosys());
          },
          rmdir(path12, callback) {
            callback(enosys());
          },
          stat(path12, callback) {
            callback(enosys());
          },
          symlink(path12, link, callback) {
            callback(enosys());
          },
          truncate(path12, length, callback) {
            callback(enosys());
          },
          unlink(path12, callback) {
            callback(enosys());
          },
          utimes(path12, atime, mtime, callback) {
            callback(enosys());
          }
        };
      }
      if (!globalThis.process) {
        globalThis.process = {
          getuid() {
            return -1;
          },
          getgid() {
            return -1;
          },
          geteuid() {
            return -1;
          },
          getegid() {
            return -1;
          },
          getgroups() {
            throw enosys();
          },
          pid: -1,
          ppid: -1,
          umask() {
            throw enosys();
          },
          cwd() {
            throw enosys();
          },
          chdir() {
            throw enosys();
          }
        };
      }
      if (!globalThis.crypto) {
        throw new Error("globalThis.crypto is not available, polyfill required (crypto.getRandomValues only)");
      }
      if (!globalThis.performance) {
        throw new Error("globalThis.performance is not available, polyfill required (performance.now only)");
      }
      if (!globalThis.TextEncoder) {
        throw new Error("globalThis.TextEncoder is not available, polyfill required");
      }
      if (!globalThis.TextDecoder) {
        throw new Error("globalThis.TextDecoder is not available, polyfill required");
      }
      const encoder = new TextEncoder("utf-8");
      const decoder = new TextDecoder("utf-8");
      globalThis.Go = class {
        constructor() {
          this.argv = ["js"];
          this.env = {};
          this.exit = (code) => {
            if (code !== 0) {
              console.warn("exit code:", code);
            }
          };
          this._exitPromise = new Promise((resolve) => {
            this._resolveExitPromise = resolve;
          });
          this._pendingEvent = null;
          this._scheduledTimeouts = /* @__PURE__ */ new Map();
          this._nextCallbackTimeoutID = 1;
          const setInt64 = (addr, v) => {
            this.mem.setUint32(addr + 0, v, true);
            this.mem.setUint32(addr + 4, Math.floor(v / 4294967296), true);
          };
          const getInt64 = (addr) => {
            const low = this.mem.getUint32(addr + 0, true);
            const high = this.mem.getInt32(addr + 4, true);
            return low + high * 4294967296;
          };
          const loadValue = (addr) => {
            const f = this.mem.getFloat64(addr, true);
            if (f === 0) {
              return void 0;
            }
            if (!isNaN(f)) {
              return f;
            }
            const id = this.mem.getUint32(addr, true);
            return this._values[id];
          };
          const storeValue = (addr, v) => {
            const nanHead = 2146959360;
            if (typeof v === "number" && v !== 0) {
              if (isNaN(v)) {
                this.mem.setUint32(addr + 4, nanHead, true);
                this.mem.setUint32(addr, 0, true);
                return;
              }
              this.mem.setFloat64(addr, v, true);
              return;
            }
            if (v === void 0) {
              this.mem.setFloat64(addr, 0, true);
              return;
            }
            let id = this._ids.get(v);
            if (id === void 0) {
              id = this._idPool.pop();
              if (id === void 0) {
                id = this._values.length;
              }
              this._values[id] = v;
              this._goRefCounts[id] = 0;
              this._ids.set(v, id);
            }
            this._goRefCounts[id]++;
            let typeFlag = 0;
            switch (typeof v) {
              case "object":
                if (v !== null) {
                  typeFlag = 1;
                }
                break;
              case "string":
                typeFlag = 2;
                break;
              case "symbol":
                typeFlag = 3;
                break;
              case "function":
                typeFlag = 4;
                break;
            }
            this.mem.setUint32(addr + 4, nanHead | typeFlag, true);
            this.mem.setUint32(addr, id, true);
          };
          const loadSlice = (addr) => {
            const array = getInt64(addr + 0);
            const len = getInt64(addr + 8);
            return new Uint8Array(this._inst.exports.mem.buffer, array, len);
          };
          const loadSliceOfValues = (addr) => {
            const array = getInt64(addr + 0);
            const len = getInt64(addr + 8);
            const a = new Array(len);
            for (let i = 0; i < len; i++) {
              a[i] = loadValue(array + i * 8);
            }
            return a;
          };
          const loadString = (addr) => {
            const saddr = getInt64(addr + 0);
            const len = getInt64(addr + 8);
            return decoder.decode(new DataView(this._inst.exports.mem.buffer, saddr, len));
          };
          const timeOrigin = Date.now() - performance.now();
          this.importObject = {
            go: {
              // Go's SP does not change as long as no Go code is running. Some operations (e.g. calls, getters and setters)
              // may synchronously trigger a Go event handler. This makes Go code get executed in the middle of the imported
              // function. A goroutine can switch to a new stack if the current stack is too small (see morestack function).
              // This changes the SP, thus we have to update the SP used by the imported function.
              // func wasmExit(code int32)
              "runtime.wasmExit": (sp) => {
                sp >>>= 0;
                const code = this.mem.getInt32(sp + 8, true);
                this.exited = true;
                delete this._inst;
                delete this._values;
                delete this._goRefCounts;
                delete this._ids;
                delete this._idPool;
                this.exit(code);
              },
              // func wasmWrite(fd uintptr, p unsafe.Pointer, n int32)
              "runtime.wasmWrite": (sp) => {
                sp >>>= 0;
                const fd = getInt64(sp + 8);
                const p = getInt64(sp + 16);
                const n = this.mem.getInt32(sp + 24, true);
                fs.writeSync(fd, new Uint8Array(this._inst.exports.mem.buffer, p, n));
              },
              // func resetMemoryDataView()
              "runtime.resetMemoryDataView": (sp) => {
                sp >>>= 0;
                this.mem = new DataView(this._inst.exports.mem.buffer);
              },
              // func nanotime1() int64
              "runtime.nanotime1": (sp) => {
                sp >>>= 0;
                setInt64(sp + 8, (timeOrigin + performance.now()) * 1e6);
              },
              // func walltime() (sec int64, nsec int32)
              "runtime.walltime": (sp) => {
                sp >>>= 0;
                const msec = (/* @__PURE__ */ new Date()).getTime();
                setInt64(sp + 8, msec / 1e3);
                this.mem.setInt32(sp + 16, msec % 1e3 * 1e6, true);
              },
              // func scheduleTimeoutEvent(delay int64) int32
              "runtime.scheduleTimeoutEvent": (sp) => {
                sp >>>= 0;
                const id = this._nextCallbackTimeoutID;
                this._nextCallbackTimeoutID++;
                this._scheduledTimeouts.set(id, setTimeout(
                  () => {
                    this._resume();
                    while (this._scheduledTimeouts.has(id)) {
                      console.warn("scheduleTimeoutEvent: missed timeout event");
                      this._resume();
                    }
                  },
                  getInt64(sp + 8) + 1
                  // setTimeout has been seen to fire up to 1 millisecond early
                ));
                this.mem.setInt32(sp + 16, id, true);
              },
              // func clearTimeoutEvent(id int32)
              "runtime.clearTimeoutEvent": (sp) => {
                sp >>>= 0;
                const id = this.mem.getInt32(sp + 8, true);
                clearTimeout(this._scheduledTimeouts.get(id));
                this._scheduledTimeouts.delete(id);
              },
              // func getRandomData(r []byte)
              "runtime.getRandomData": (sp) => {
                sp >>>= 0;
                crypto.getRandomValues(loadSlice(sp + 8));
              },
              // func finalizeRef(v ref)
              "syscall/js.finalizeRef": (sp) => {
                sp >>>= 0;
                const id = this.mem.getUint32(sp + 8, true);
                this._goRefCounts[id]--;
                if (this._goRefCounts[id] === 0) {
                  const v = this._values[id];
                  this._values[id] = null;
                  this._ids.delete(v);
                  this._idPool.push(id);
                }
              },
              // func stringVal(value string) ref
              "syscall/js.stringVal": (sp) => {
                sp >>>= 0;
                storeValue(sp + 24, loadString(sp + 8));
              },
              // func valueGet(v ref, p string) ref
              "syscall/js.valueGet": (sp) => {
                sp >>>= 0;
                const result = Reflect.get(loadValue(sp + 8), loadString(sp + 16));
                sp = this._inst.exports.getsp() >>> 0;
                storeValue(sp + 32, result);
              },
              // func valueSet(v ref, p string, x ref)
              "syscall/js.valueSet": (sp) => {
                sp >>>= 0;
                Reflect.set(loadValue(sp + 8), loadString(sp + 16), loadValue(sp + 32));
              },
              // func valueDelete(v ref, p string)
              "syscall/js.valueDelete": (sp) => {
                sp >>>= 0;
                Reflect.deleteProperty(loadValue(sp + 8), loadString(sp + 16));
              },
              // func valueIndex(v ref, i int) ref
              "syscall/js.valueIndex": (sp) => {
                sp >>>= 0;
                storeValue(sp + 24, Reflect.get(loadValue(sp + 8), getInt64(sp + 16)));
              },
              // valueSetIndex(v ref, i int, x ref)
              "syscall/js.valueSetIndex": (sp) => {
                sp >>>= 0;
                Reflect.set(loadValue(sp + 8), getInt64(sp + 16), loadValue(sp + 24));
              },
              // func valueCall(v ref, m string, args []ref) (ref, bool)
              "syscall/js.valueCall": (sp) => {
                sp >>>= 0;
                try {
                  const v = loadValue(sp + 8);
                  const m = Reflect.get(v, loadString(sp + 16));
                  const args = loadSliceOfValues(sp + 32);
                  const result = Reflect.apply(m, v, args);
                  sp = this._inst.exports.getsp() >>> 0;
                  storeValue(sp + 56, result);
                  this.mem.setUint8(sp + 64, 1);
                } catch (err) {
                  sp = this._inst.exports.getsp() >>> 0;
                  storeValue(sp + 56, err);
                  this.mem.setUint8(sp + 64, 0);
                }
              },
              // func valueInvoke(v ref, args []ref) (ref, bool)
              "syscall/js.valueInvoke": (sp) => {
                sp >>>= 0;
                try {
                  const v = loadValue(sp + 8);
                  const args = loadSliceOfValues(sp + 16);
                  const result = Reflect.apply(v, void 0, args);
                  sp = this._inst.exports.getsp() >>> 0;
                  storeValue(sp + 40, result);
                  this.mem.setUint8(sp + 48, 1);
                } catch (err) {
                  sp = this._inst.exports.getsp() >>> 0;
                  storeValue(sp + 40, err);
                  this.mem.setUint8(sp + 48, 0);
                }
              },
              // func valueNew(v ref, args []ref) (ref, bool)
              "syscall/js.valueNew": (sp) => {
                sp >>>= 0;
                try {
                  const v = loadValue(sp + 8);
                  const args = loadSliceOfValues(sp + 16);
                  const result = Reflect.construct(v, args);
                  sp = this._inst.exports.getsp() >>> 0;
                  storeValue(sp + 40, result);
                  this.mem.setUint8(sp + 48, 1);
                } catch (err) {
                  sp = this._inst.exports.getsp() >>> 0;
                  storeValue(sp + 40, err);
                  this.mem.setUint8(sp + 48, 0);
                }
              },
              // func valueLength(v ref) int
              "syscall/js.valueLength": (sp) => {
                sp >>>= 0;
                setInt64(sp + 16, parseInt(loadValue(sp + 8).length));
              },
              // valuePrepareString(v ref) (ref, int)
              "syscall/js.valuePrepareString": (sp) => {
                sp >>>= 0;
                const str2 = encoder.encode(String(loadValue(sp + 8)));
                storeValue(sp + 16, str2);
                setInt64(sp + 24, str2.length);
              },
              // valueLoadString(v ref, b []byte)
              "syscall/js.valueLoadString": (sp) => {
                sp >>>= 0;
                const str2 = loadValue(sp + 8);
                loadSlice(sp + 16).set(str2);
              },
              // func valueInstanceOf(v ref, t ref) bool
              "syscall/js.valueInstanceOf": (sp) => {
                sp >>>= 0;
                this.mem.setUint8(sp + 24, loadValue(sp + 8) instanceof loadValue(sp + 16) ? 1 : 0);
              },
              // func copyBytesToGo(dst []byte, src ref) (int, bool)
              "syscall/js.copyBytesToGo": (sp) => {
                sp >>>= 0;
                const dst = loadSlice(sp + 8);
                const src = loadValue(sp + 32);
                if (!(src instanceof Uint8Array || src instanceof Uint8ClampedArray)) {
                  this.mem.setUint8(sp + 48, 0);
                  return;
                }
                const toCopy = src.subarray(0, dst.length);
                dst.set(toCopy);
                setInt64(sp + 40, toCopy.length);
                this.mem.setUint8(sp + 48, 1);
              },
              // func copyBytesToJS(dst ref, src []byte) (int, bool)
              "syscall/js.copyBytesToJS": (sp) => {
                sp >>>= 0;
                const dst = loadValue(sp + 8);
                const src = loadSlice(sp + 16);
                if (!(dst instanceof Uint8Array || dst instanceof Uint8ClampedArray)) {
                  this.mem.setUint8(sp + 48, 0);
                  return;
                }
                const toCopy = src.subarray(0, dst.length);
                dst.set(toCopy);
                setInt64(sp + 40, toCopy.length);
                this.mem.setUint8(sp + 48, 1);
              },
              "debug": (value) => {
                console.log(value);
              }
            }
          };
        }
        async run(instance) {
          if (!(instance instanceof WebAssembly.Instance)) {
            throw new Error("Go.run: WebAssembly.Instance expected");
          }
          this._inst = instance;
          this.mem = new DataView(this._inst.exports.mem.buffer);
          this._values = [
            // JS values that Go currently has references to, indexed by reference id
            NaN,
            0,
            null,
            true,
            false,
            globalThis,
            this
          ];
          this._goRefCounts = new Array(this._values.length).fill(Infinity);
          this._ids = /* @__PURE__ */ new Map([
            // mapping from JS values to reference ids
            [0, 1],
            [null, 2],
            [true, 3],
            [false, 4],
            [globalThis, 5],
            [this, 6]
          ]);
          this._idPool = [];
          this.exited = false;
          let offset = 4096;
          const strPtr = (str2) => {
            const ptr = offset;
            const bytes = encoder.encode(str2 + "\0");
            new Uint8Array(this.mem.buffer, offset, bytes.length).set(bytes);
            offset += bytes.length;
            if (offset % 8 !== 0) {
              offset += 8 - offset % 8;
            }
            return ptr;
          };
          const argc = this.argv.length;
          const argvPtrs = [];
          this.argv.forEach((arg) => {
            argvPtrs.push(strPtr(arg));
          });
          argvPtrs.push(0);
          const keys = Object.keys(this.env).sort();
          keys.forEach((key) => {
            argvPtrs.push(strPtr(`${key}=${this.env[key]}`));
          });
          argvPtrs.push(0);
          const argv = offset;
          argvPtrs.forEach((ptr) => {
            this.mem.setUint32(offset, ptr, true);
            this.mem.setUint32(offset + 4, 0, true);
            offset += 8;
          });
          const wasmMinDataAddr = 4096 + 8192;
          if (offset >= wasmMinDataAddr) {
            throw new Error("total length of command line and environment variables exceeds limit");
          }
          this._inst.exports.run(argc, argv);
          if (this.exited) {
            this._resolveExitPromise();
          }
          await this._exitPromise;
        }
        _resume() {
          if (this.exited) {
            throw new Error("Go program has already exited");
          }
          this._inst.exports.resume();
          if (this.exited) {
            this._resolveExitPromise();
          }
        }
        _makeFuncWrapper(id) {
          const go = this;
          return function() {
            const event = { id, this: this, args: arguments };
            go._pendingEvent = event;
            go._resume();
            return event.result;
          };
        }
      };
    })();
  }
});

// node_modules/@cdktf/hcl2json/wasm/bridge_wasm_exec.js
var require_bridge_wasm_exec = __commonJS({
  "node_modules/@cdktf/hcl2json/wasm/bridge_wasm_exec.js"() {
    "use strict";
    globalThis.require = __require;
    globalThis.fs = __require("fs");
    globalThis.TextEncoder = __require("util").TextEncoder;
    globalThis.TextDecoder = __require("util").TextDecoder;
    globalThis.performance ??= __require("performance");
    if (!globalThis.crypto) {
      const crypto2 = __require("crypto");
      globalThis.crypto = {
        getRandomValues(b) {
          return crypto2.randomFillSync(b);
        }
      };
    }
    require_wasm_exec();
  }
});

// node_modules/@cdktf/hcl2json/lib/bridge.js
var require_bridge = __commonJS({
  "node_modules/@cdktf/hcl2json/lib/bridge.js"(exports) {
    "use strict";
    var __createBinding = exports && exports.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports && exports.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports && exports.__importStar || function(mod) {
      if (mod && mod.__esModule) return mod;
      var result = {};
      if (mod != null) {
        for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
      }
      __setModuleDefault(result, mod);
      return result;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.getExpressionAst = exports.getReferencesInExpression = exports.convertFiles = exports.parse = void 0;
    var fs2 = __importStar(require_lib());
    var path_1 = __require("path");
    var deepmerge_1 = require_deepmerge();
    var zlib_1 = __require("zlib");
    var references_1 = require_references();
    var util_1 = require_util();
    var jsRoot = {};
    function sleep() {
      return new Promise((resolve) => {
        setTimeout(resolve, 0);
      });
    }
    function goBridge(getBytes) {
      let ready = false;
      async function init() {
        await Promise.resolve().then(() => __importStar(require_bridge_wasm_exec()));
        const go = new global.Go();
        const bytes = await getBytes;
        const result = await WebAssembly.instantiate(bytes, go.importObject);
        global.__parse_terraform_config_wasm__ = jsRoot;
        void go.run(result.instance);
        ready = true;
      }
      init().catch((error) => {
        throw error;
      });
      const proxy = new Proxy({}, {
        get: (_, key) => {
          return async (...args) => {
            while (!ready) {
              await sleep();
            }
            if (!(key in jsRoot)) {
              throw new Error(`There is nothing defined with the name "${key.toString()}"`);
            }
            if (typeof jsRoot[key] !== "function") {
              return jsRoot[key];
            }
            return new Promise((resolve, reject) => {
              const cb = (err, ...msg) => (
                // eslint-disable-next-line @typescript-eslint/ban-ts-comment
                // @ts-ignore
                err ? reject(new Error(err)) : resolve(...msg)
              );
              const run = () => {
                jsRoot[key].apply(void 0, [...args, cb]);
              };
              run();
            });
          };
        }
      });
      return proxy;
    }
    var loadWasm = async () => {
      return (0, zlib_1.gunzipSync)(await fs2.readFile((0, path_1.join)(import.meta.dirname, "..", "main.wasm.gz")));
    };
    var wasm = goBridge(loadWasm());
    async function parse(filename, contents) {
      const res = await wasm.parse(filename, contents);
      return JSON.parse(res);
    }
    exports.parse = parse;
    async function convertFiles(workingDirectory) {
      let tfFileContents = "";
      const tfJSONFileContents = [];
      for (const file of fs2.readdirSync(workingDirectory)) {
        const filePath = (0, path_1.resolve)(workingDirectory, file);
        if (!fs2.lstatSync(filePath).isDirectory()) {
          if (file.match(/\.tf$/)) {
            tfFileContents += fs2.readFileSync(filePath, "utf-8");
            tfFileContents += "\n";
          } else if (file.match(/\.tf\.json$/)) {
            tfJSONFileContents.push(JSON.parse(fs2.readFileSync(filePath, "utf-8")));
          }
        }
      }
      if (tfFileContents === "" && tfJSONFileContents.length === 0) {
        console.error(`No '.tf' or '.tf.json' files found in ${workingDirectory}`);
        return {};
      }
      return (0, deepmerge_1.deepMerge)(await parse("hcl2json.tf", tfFileContents), ...tfJSONFileContents);
    }
    exports.convertFiles = convertFiles;
    async function getReferencesInExpression(filename, expression) {
      let offset = 0;
      let quoteWrappedExpression = expression;
      if (!expression.startsWith('"')) {
        quoteWrappedExpression = `"${expression}"`;
        offset = 1;
      }
      const { wrap: wrappedExpression, wrapOffset: startOffset } = (0, util_1.wrapTerraformExpression)(`${quoteWrappedExpression}`);
      offset += startOffset;
      const ast = await getExpressionAst(filename, wrappedExpression);
      if (!ast) {
        return [];
      }
      const refs = (0, references_1.findAllReferencesInAst)(expression, ast);
      if (wrappedExpression === expression) {
        return refs;
      }
      return refs.map((ref) => {
        return {
          ...ref,
          startPosition: ref.startPosition - offset,
          endPosition: ref.endPosition - offset
        };
      });
    }
    exports.getReferencesInExpression = getReferencesInExpression;
    async function getExpressionAst(filename, expression) {
      const res = await wasm.getExpressionAst(filename, expression);
      const ast = JSON.parse(res);
      if (!ast) {
        return null;
      }
      return ast;
    }
    exports.getExpressionAst = getExpressionAst;
  }
});

// node_modules/@cdktf/hcl2json/lib/index.js
var require_lib2 = __commonJS({
  "node_modules/@cdktf/hcl2json/lib/index.js"(exports) {
    "use strict";
    var __createBinding = exports && exports.__createBinding || (Object.create ? (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      var desc = Object.getOwnPropertyDescriptor(m, k);
      if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
        desc = { enumerable: true, get: function() {
          return m[k];
        } };
      }
      Object.defineProperty(o, k2, desc);
    }) : (function(o, m, k, k2) {
      if (k2 === void 0) k2 = k;
      o[k2] = m[k];
    }));
    var __setModuleDefault = exports && exports.__setModuleDefault || (Object.create ? (function(o, v) {
      Object.defineProperty(o, "default", { enumerable: true, value: v });
    }) : function(o, v) {
      o["default"] = v;
    });
    var __importStar = exports && exports.__importStar || function(mod) {
      if (mod && mod.__esModule) return mod;
      var result = {};
      if (mod != null) {
        for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
      }
      __setModuleDefault(result, mod);
      return result;
    };
    Object.defineProperty(exports, "__esModule", { value: true });
    exports.TFExpressionSyntaxTree = exports.wrapTerraformExpression = exports.getExpressionAst = exports.getReferencesInExpression = exports.convertFiles = exports.parse = void 0;
    var bridge_1 = require_bridge();
    Object.defineProperty(exports, "parse", { enumerable: true, get: function() {
      return bridge_1.parse;
    } });
    Object.defineProperty(exports, "convertFiles", { enumerable: true, get: function() {
      return bridge_1.convertFiles;
    } });
    Object.defineProperty(exports, "getReferencesInExpression", { enumerable: true, get: function() {
      return bridge_1.getReferencesInExpression;
    } });
    Object.defineProperty(exports, "getExpressionAst", { enumerable: true, get: function() {
      return bridge_1.getExpressionAst;
    } });
    var util_1 = require_util();
    Object.defineProperty(exports, "wrapTerraformExpression", { enumerable: true, get: function() {
      return util_1.wrapTerraformExpression;
    } });
    exports.TFExpressionSyntaxTree = __importStar(require_syntax_tree());
  }
});

// src/cli/main.ts
import os2 from "node:os";

// src/core/bootcommand/actions.ts
var ACTION_NAMES = { press: "Press", on: "On", off: "Off" };
function formatPackerAst(action) {
  switch (action.kind) {
    case "wait":
      return `Wait<${formatGoDurationNanos(action.nanos)}>`;
    case "waitText":
      return `WaitText<${action.source} ${JSON.stringify(action.pattern)}>`;
    case "literal":
      return `LIT-${ACTION_NAMES[action.action]}(${action.char})`;
    case "special":
      return `Spec-${ACTION_NAMES[action.action]}(${action.key})`;
  }
}

// src/cli/command.ts
var UsageError = class extends Error {
  name = "UsageError";
};

// src/cli/commands/boot-command.ts
var usage = `Usage: ruddervirt boot-command [--json | --ast] [--] TEXT...

Shows the key events a boot command sends to the VM's VNC console, by Packer's rules: the
grammar of <enter>, <leftCtrlOn>, <wait10s>, <fon> \u2026, Shift around upper-case letters and
~!@#$%^&*()_+{}|:"<>?, one pause of the key interval after every key event.

Each TEXT is one boot_command element; they are joined with nothing in between before parsing,
exactly as Packer does (so "<ent" "er>" is an <enter>). Quote TEXT for your shell.

Options:
  --json   one JSON object per line, in order: {"key": <X11 keysym>, "down": true|false}
           or {"wait": <milliseconds, may be fractional>}
  --ast    the parsed tokens in the notation of Packer's own tests (LIT-Press(a), Spec-On(leftctrl),
           Wait<1m30s>)
  --       end of options (for a TEXT that starts with "--")

Without an option, one line per event ("press Shift_L", "release 'a'", "wait 1m30s") and a
summary with the typing time at the key interval (${KEY_INTERVAL_ENV} or 100ms; a build file's
bootKeyInterval overrides both). A boot command Packer would refuse (a wait that is not positive)
exits 1 with the reason.

Examples:
  ruddervirt boot-command '<esc><wait>' 'auto url=http://10.0.2.2:8000/preseed.cfg<enter>'
  ruddervirt boot-command --json 'AbC<leftCtrlOn>c<leftCtrlOff><wait1m30s>'
`;
function parseArguments(args) {
  let format = "listing";
  const texts = [];
  let optionsEnded = false;
  for (const arg of args) {
    if (!optionsEnded && (arg === "--help" || arg === "-h")) return "help";
    if (!optionsEnded && arg === "--") optionsEnded = true;
    else if (!optionsEnded && (arg === "--json" || arg === "--ast")) {
      const wanted = arg === "--json" ? "json" : "ast";
      if (format !== "listing" && format !== wanted) throw new UsageError("--json and --ast cannot be combined");
      format = wanted;
    } else if (!optionsEnded && arg.startsWith("--")) {
      throw new UsageError(`unknown option '${arg}' (a TEXT starting with "--" goes after --)`);
    } else texts.push(arg);
  }
  if (texts.length === 0) throw new UsageError("expected at least one TEXT (the boot command)");
  return { format, texts };
}
function jsonLine(event) {
  if ("waitText" in event) return JSON.stringify({ waitText: { source: event.waitText.source, pattern: event.waitText.pattern } });
  return "wait" in event ? JSON.stringify({ wait: event.wait }) : JSON.stringify({ key: event.key, down: event.down });
}
function summary(plan, intervalMs) {
  const keyEvents = plan.events.filter((e) => "key" in e).length;
  const waitMs = plan.events.reduce((sum, e) => sum + ("wait" in e ? e.wait : 0), 0);
  const textWaits = plan.events.filter((e) => "waitText" in e).length;
  const waits = plan.events.length - keyEvents - textWaits;
  const totalNs = BigInt(Math.round((waitMs + keyEvents * intervalMs) * 1e6));
  const interval = formatGoDurationNanos(BigInt(Math.round(intervalMs * 1e6)));
  const onText = textWaits > 0 ? `, ${textWaits} text wait${textWaits === 1 ? "" : "s"} (unbounded here)` : "";
  return `-- ${keyEvents} key event${keyEvents === 1 ? "" : "s"}, ${waits} wait${waits === 1 ? "" : "s"}${onText}: ${formatGoDurationNanos(totalNs)} to type at a ${interval} key interval${textWaits > 0 ? " plus the text waits" : ""}`;
}
var bootCommandCommand = {
  name: "boot-command",
  summary: "Show the key events a boot command types (Packer grammar)",
  usage,
  async run(args, io) {
    const parsed = parseArguments(args);
    if (parsed === "help") {
      io.stdout.write(usage);
      return 0;
    }
    const { format, texts } = parsed;
    const plan = planBootCommand(texts, { elementLabel: (i) => `argument ${i + 1}` });
    const lines = format === "json" ? plan.events.map(jsonLine) : format === "ast" ? plan.tokens.map(formatPackerAst) : [...plan.events.map(describeKeyEvent), summary(plan, resolveKeyInterval({ env: io.env }))];
    io.stdout.write(lines.map((l) => l + "\n").join(""));
    return 0;
  }
};

// src/cli/commands/build.ts
import path3 from "node:path";

// src/core/pipeline/summary.ts
function formatBuildSummary(result, formatBytes2) {
  const lines = ["", `Build ${result.status}.`, ""];
  const byVm = /* @__PURE__ */ new Map();
  for (const p of result.phases) byVm.set(p.vm, [...byVm.get(p.vm) ?? [], p]);
  for (const [vm, phases] of byVm) {
    lines.push(`  ${vm}`);
    const width = Math.max(...phases.map((p) => p.phase.length));
    for (const p of phases) {
      const took = p.status === "skipped" ? "" : formatGoDuration(Math.round(p.durationMs / 100) * 100);
      lines.push(`    ${p.phase.padEnd(width)}  ${p.status.padEnd(9)} ${took}${p.status === "failed" && p.detail ? `  ${p.detail}` : ""}`);
    }
  }
  if (result.outputs.length > 0) {
    lines.push("", "  outputs:");
    for (const o of result.outputs) lines.push(`    ${o.image}  ${formatBytes2(o.bytes)}  sha256:${o.sha256}${outputNote(o)}`);
  }
  lines.push(`  manifest: ${result.manifest}`, "");
  return lines.join("\n");
}
function outputNote(o) {
  if (o.reused) return o.keptAs ? `  (reused from ${o.keptAs})` : "  (reused)";
  return o.keptAs ? `  (kept as ${o.keptAs})` : "";
}

// src/core/output-folder.ts
import { access, constants, mkdir, readdir, stat, unlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
var LOCK_FILE = ".ruddervirt-build.lock";
async function prepareOutputFolder(dir) {
  const st = await stat(dir).catch(() => void 0);
  if (st && !st.isDirectory()) throw new UserError(`--output ${dir}: it is a file; expected a folder`);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new UserError(`--output ${dir}: ${explain(err)}`);
  }
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new UserError(`--output ${dir}: ${explain(err)}`);
  }
}
function explain(err) {
  const code = err.code;
  if (code === "EEXIST" || code === "ENOTDIR") return "it (or a folder above it) is a file; expected a folder";
  if (code === "EACCES" || code === "EPERM") return "the folder cannot be written (permission denied)";
  if (code === "EROFS") return "the folder is on a read-only file system";
  return err instanceof Error ? err.message : String(err);
}
async function lockOutputFolder(dir) {
  const file = path.join(dir, LOCK_FILE);
  let got;
  try {
    got = await tryLock(file);
  } catch (err) {
    throw new UserError(`--output ${dir}: cannot create the build lock: ${explain(err)}`);
  }
  if (got.heldBy) {
    const owner = got.heldBy;
    throw new UserError(
      `--output ${dir}: another build (pid ${owner.pid}${owner.host !== os.hostname() ? ` on ${owner.host}` : ""}, started ${owner.startedAt}) is writing to this folder; wait for it, or choose another --output (the lock is ${file})`
    );
  }
  await removePartials(dir);
  return { release: got.release };
}
async function removePartials(dir, depth = 2) {
  const removed = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isFile() && e.name.endsWith(".partial")) {
      await unlink(p).catch(() => void 0);
      removed.push(p);
    } else if (e.isDirectory() && depth > 1) {
      removed.push(...await removePartials(p, depth - 1));
    }
  }
  return removed;
}

// src/cli/abandoned.ts
import { mkdir as mkdir2, readdir as readdir2, readFile, rm, writeFile } from "node:fs/promises";
import path2 from "node:path";
function abandonedDir(outputDir) {
  return path2.join(outputDir, "abandoned");
}
function vmOf(build, key) {
  const [layer, name] = key.split("/");
  return build.layers.find((l) => l.name === layer)?.vms.find((v) => v.name === name);
}
function describeAbandoned(build, abandoned, outputDir) {
  const out = [];
  for (const a of abandoned) {
    const vm = vmOf(build, a.vm);
    const d = a.detached;
    out.push(`vm ${a.vm} is left ${d ? "running" : "as it was (it could not outlive this process)"} for debugging:`);
    if (d?.sshEndpoint && vm?.communicator.type === "ssh") {
      const user = vm.communicator.sshUsername;
      const ep = d.sshEndpoint;
      out.push(
        d.engine === "local" ? `  ssh:    ssh -p ${ep.port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null ${user}@${ep.host}` : `  ssh:    virtctl ssh ${user}@${ep.host.replace(/^vmi\//, "vmi/")} (port ${ep.port})`
      );
    }
    const vnc = d?.engine === "local" ? d.state.vnc : void 0;
    if (vnc) out.push(`  vnc:    ${vnc.socket ? `unix socket ${vnc.socket}` : `${vnc.host}:${vnc.port}`}`);
    if (d?.engine === "kubevirt") out.push(`  vnc:    virtctl vnc ${d.vm}`);
    out.push(`  serial: ${path2.join(a.logDir, "serial.log")}`);
    out.push(`  screen: ${path2.join(a.logDir, FAILURE_SCREENSHOT)}`);
  }
  if (abandoned.length > 0) out.push(`remove what is left with: ruddervirt cleanup ${outputDir}`);
  return out.join("\n") + "\n";
}
async function recordAbandoned(outputDir, abandoned) {
  if (abandoned.length === 0) return;
  const dir = abandonedDir(outputDir);
  await mkdir2(dir, { recursive: true });
  for (const a of abandoned) await writeFile(path2.join(dir, `${a.vm.replace("/", "-")}.json`), JSON.stringify(a, null, 2) + "\n", { mode: 384 });
}
async function readAbandoned(outputDir) {
  const dir = abandonedDir(outputDir);
  const files = (await readdir2(dir).catch(() => [])).filter((f) => f.endsWith(".json")).sort();
  const out = [];
  for (const f of files) out.push({ file: path2.join(dir, f), vm: JSON.parse(await readFile(path2.join(dir, f), "utf8")) });
  return out;
}
async function forgetAbandoned(file) {
  await rm(file, { force: true });
}

// src/cli/ask-on-error.ts
import { createInterface } from "node:readline/promises";
var CHOICES = { c: "cleanup", cleanup: "cleanup", a: "abort", abort: "abort", r: "retry", retry: "retry" };
function terminalAsker(input, output, signal, mask) {
  let queue = Promise.resolve();
  return (failure) => {
    const asked = queue.then(async () => {
      const rl = createInterface({ input, output, terminal: false });
      try {
        const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
        output.write(mask(`
vm ${failure.vm}: step '${failure.phase}' failed: ${message}
`));
        for (; ; ) {
          const answer = (await rl.question("[c] clean up and fail, [a] abort and leave the VM for debugging, [r] retry the step? ", { signal })).trim().toLowerCase();
          const choice = CHOICES[answer];
          if (choice) return choice;
          output.write(`please answer c, a or r
`);
        }
      } catch {
        return "cleanup";
      } finally {
        rl.close();
      }
    });
    queue = asked.catch(() => void 0);
    return asked;
  };
}

// src/cli/args.ts
import { parseArgs } from "node:util";
function parseCommandArgs(args, options) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}
function parseKeyValues(values, flag) {
  const out = {};
  for (const v of values ?? []) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag} expects key=value, got '${v}'`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

// src/cli/terminal-logger.ts
function terminalLogger(stderr, masker = new SecretMasker(), verbose = false) {
  return new LineLogger(
    (level, line) => {
      const tag = level === "warn" ? "warning: " : level === "error" ? "error: " : "";
      stderr.write(`${tag}${line}
`);
    },
    masker,
    "",
    verbose
  );
}

// src/cli/commands/build.ts
var usage2 = `Usage: ruddervirt build FILE [options]

Builds every layer and VM of the build file in Packer's order of operations: source, disks, HTTP
server, VM, boot wait, boot command over VNC, SSH, provisioners, shutdown, disk export. Progress goes
to stderr; the last line on stdout is the output image's path.

Options:
  --var k=v                  Set a build variable (repeatable); it must be declared under variables.
  --on-error cleanup|abort|ask
                             On failure, clean up everything (default) or leave the VM running with
                             its files for debugging (Packer's -on-error=abort): the build says how to
                             reach it (ssh, VNC, serial log) and exits; \`ruddervirt cleanup DIR\`
                             removes it afterwards. ask (a terminal only): choose cleanup, abort or
                             retry the failed step each time.
  --vnc-port                 local: serve each VM's display on a free 127.0.0.1 TCP port (printed)
                             so a person can watch with any VNC viewer (Packer's vnc_bind_address /
                             vnc_port_min); default a private unix socket.
  --output DIR               Where images, checksums, logs and manifest.json go
                             (default: output/<build name> beside the current directory).
  --force                    Rebuild every layer even if an identical one is cached.
  --only LAYER               Build only this layer (earlier layers come from the layer cache).
  --until LAYER              Stop after this layer.
  --no-layer-cache           Neither reuse nor store layers (default: reuse unchanged layers from
                             RUDDERVIRT_CACHE_DIR or ~/.cache/ruddervirt/layers, and on kubevirt
                             from the outputs earlier builds kept in the namespace).
  --engine local|kubevirt    Where VMs run: QEMU on this machine (default), or KubeVirt VirtualMachines
                             on a Kubernetes cluster (needs KubeVirt and CDI; see docs/kubevirt.md).
  --kubeconfig FILE          kubevirt: the cluster and credentials (default: KUBECONFIG,
                             ~/.kube/config, or the pod's service account inside a cluster).
  --namespace NS             kubevirt: where the build's objects go (default: the context's
                             namespace, else default). Everything the build creates there is
                             removed when it ends, but the layer outputs it keeps for reuse.
  --keep-layers N            kubevirt: each layer's outputs stay in the namespace, labelled with
                             the layer's content key, so a later build of the unchanged layer
                             clones them instead of booting its VMs; keep the newest N per layer
                             and VM (default 2). ruddervirt prune removes them.
  --verbose                  Debug lines too.

Exit status: 0 built, 1 failed (bad build file or a failed step), 130 cancelled (SIGINT/SIGTERM).
`;
var buildCommand = {
  name: "build",
  summary: "Build the images a build file describes (QEMU here, or KubeVirt)",
  usage: usage2,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      var: { type: "string", multiple: true },
      "on-error": { type: "string", default: "cleanup" },
      "vnc-port": { type: "boolean", default: false },
      output: { type: "string" },
      engine: { type: "string", default: "local" },
      verbose: { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      only: { type: "string" },
      until: { type: "string" },
      "no-layer-cache": { type: "boolean", default: false },
      kubeconfig: { type: "string" },
      namespace: { type: "string" },
      "keep-layers": { type: "string" }
    });
    if (positionals.length !== 1) throw new UsageError("expects exactly one build file");
    const onError = values["on-error"];
    if (onError !== "cleanup" && onError !== "abort" && onError !== "ask") throw new UsageError(`--on-error must be cleanup, abort or ask, got '${onError}'`);
    if (onError === "ask" && !(io.stdin ?? process.stdin).isTTY) throw new UsageError("--on-error ask needs a terminal to ask on (stdin is not one); use cleanup or abort");
    if (values.engine !== "local" && values.engine !== "kubevirt") throw new UsageError(`--engine must be local or kubevirt, got '${values.engine}'`);
    if (values.engine === "local") {
      for (const flag of ["kubeconfig", "namespace", "keep-layers"]) if (values[flag] !== void 0) throw new UsageError(`--${flag} is for --engine kubevirt`);
    } else if (values["vnc-port"]) {
      throw new UsageError("--vnc-port is for --engine local (on kubevirt: virtctl vnc)");
    }
    const keepLayers = values["keep-layers"];
    if (keepLayers !== void 0 && !/^[1-9]\d{0,5}$/.test(keepLayers)) throw new UsageError(`--keep-layers must be a whole number of at least 1, got '${keepLayers}'`);
    const build = loadBuild(positionals[0], { vars: parseKeyValues(values.var, "--var"), env: io.env, cwd: io.cwd });
    const masker = new SecretMasker();
    for (const s of build.secrets) masker.add(s);
    const logger = terminalLogger(io.stderr, masker, values.verbose);
    for (const w of build.warnings ?? []) logger.warn(formatProblem(w));
    const outputDir = path3.resolve(io.cwd, values.output ?? path3.join("output", build.name));
    await prepareOutputFolder(outputDir);
    const outputLock = await lockOutputFolder(outputDir);
    logger.info(`build ${build.name}: ${build.layers.length} layer(s), ${build.layers.reduce((n, l) => n + l.vms.length, 0)} VM(s) \u2192 ${outputDir}`);
    const engine = values.engine === "kubevirt" ? createEngine("kubevirt", {
      env: io.env,
      logger,
      ...values.kubeconfig !== void 0 ? { kubeconfig: path3.resolve(io.cwd, values.kubeconfig) } : {},
      ...values.namespace !== void 0 ? { namespace: values.namespace } : {},
      keepLayers: true,
      ...keepLayers !== void 0 ? { keptPerVm: Number(keepLayers) } : {}
    }) : (
      // With --on-error abort a failed VM must outlive this process: each VM runs in a keeper.
      createEngine("local", { env: io.env, detachable: onError !== "cleanup", ...values["vnc-port"] ? { vncListen: "port" } : {} })
    );
    let result;
    try {
      result = await runBuild({
        build,
        engine,
        outputDir,
        onError,
        masker,
        ...onError === "ask" ? { ask: terminalAsker(io.stdin ?? process.stdin, io.stderr, io.signal, (s) => masker.mask(s)) } : {},
        logger,
        signal: io.signal,
        force: values.force,
        ...values["no-layer-cache"] ? {} : { layerCache: new LayerCache(defaultCacheRoot(io.env)) },
        ...values.only !== void 0 ? { only: values.only } : {},
        ...values.until !== void 0 ? { until: values.until } : {}
      });
    } finally {
      await engine.close();
      await outputLock.release();
    }
    io.stderr.write(masker.mask(formatBuildSummary(result, formatBytes)));
    if (result.abandoned.length > 0) {
      await recordAbandoned(outputDir, result.abandoned);
      io.stderr.write(masker.mask(describeAbandoned(build, result.abandoned, outputDir)));
    }
    if (result.status === "cancelled") throw new UserError("Build was cancelled.", 130);
    if (result.status === "failed") throw new UserError(`build failed: ${masker.mask(result.error?.message ?? "unknown error")}`, 1);
    for (const o of result.outputs) io.stdout.write(`${o.image}
`);
    return 0;
  }
};

// src/cli/commands/cleanup.ts
import { rm as rm2 } from "node:fs/promises";
import path4 from "node:path";
var usage3 = `Usage: ruddervirt cleanup OUTPUT_DIR
       ruddervirt cleanup --build NAME

After \`ruddervirt build --on-error abort\` failed, its VMs are left running for debugging and
recorded in OUTPUT_DIR/abandoned/. This stops each of them and removes its work folder.
--build NAME means the default output folder of that build (output/NAME).

Exit status: 0 done (or nothing left), 2 bad arguments.
`;
var cleanupCommand = {
  name: "cleanup",
  summary: "Stop and remove the VMs a build left for debugging (--on-error abort)",
  usage: usage3,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { build: { type: "string" } });
    if (positionals.length > 1 || positionals.length === 1 === (values.build !== void 0)) throw new UsageError("expects an output folder or --build NAME");
    const outputDir = path4.resolve(io.cwd, positionals[0] ?? path4.join("output", values.build));
    const left = await readAbandoned(outputDir);
    if (left.length === 0) {
      io.stderr.write(`nothing left by an aborted build in ${outputDir}
`);
      return 0;
    }
    for (const { file, vm } of left) {
      const stopped = vm.detached ? await stopDetachedVm(vm.detached) : false;
      if (vm.detached?.engine === "kubevirt") {
        const state = vm.detached.state;
        io.stderr.write(`vm ${vm.vm}: remove its build run with: kubectl delete vm,dv,cm -n ${state.namespace} -l ruddervirt.io/run=${state.runId}
`);
      }
      if (vm.workDir) await rm2(vm.workDir, { recursive: true, force: true });
      await forgetAbandoned(file);
      io.stderr.write(`vm ${vm.vm}: ${stopped ? "stopped" : "was not running"}${vm.workDir ? `; removed ${vm.workDir}` : ""}
`);
    }
    return 0;
  }
};

// src/core/packer/import-packer.ts
var import_yaml = __toESM(require_dist(), 1);
import path7 from "node:path";

// src/core/packer/read-template.ts
var import_hcl2json = __toESM(require_lib2(), 1);
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path5 from "node:path";

// src/core/packer/template-values.ts
var Unevaluated = class {
  constructor(expression) {
    this.expression = expression;
  }
  expression;
};
var UndefinedReference = class extends Error {
  constructor(reference) {
    super(`${reference} is not declared`);
    this.reference = reference;
  }
  reference;
};
function evaluateHcl(value, scope) {
  if (typeof value === "string") return evaluateHclString(value, scope);
  if (Array.isArray(value)) return liftUnevaluated(value.map((v) => evaluateHcl(v, scope)));
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = evaluateHcl(v, scope);
    const bad = Object.values(out).find((v) => v instanceof Unevaluated);
    return bad ?? out;
  }
  return value;
}
function liftUnevaluated(list) {
  const bad = list.find((v) => v instanceof Unevaluated);
  return bad ?? list;
}
function findInterpolations(text) {
  const out = [];
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith("$${", i) || text.startsWith("%%{", i)) {
      i += 2;
      continue;
    }
    if (text.startsWith("%{", i)) return new Unevaluated(text);
    if (!text.startsWith("${", i)) continue;
    let depth = 0;
    let inString = false;
    let j = i + 1;
    for (; j < text.length; j++) {
      const c = text[j];
      if (inString) {
        if (c === "\\") j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "{") depth++;
      else if (c === "}" && --depth === 0) break;
    }
    if (j >= text.length) return new Unevaluated(text);
    out.push({
      start: i,
      end: j + 1,
      expression: text.slice(i + 2, j).replace(/^~|~$/g, "").trim()
    });
    i = j;
  }
  return out;
}
function unescapeHclLiteral(text) {
  return text.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}
function evaluateHclString(text, scope) {
  const parts = findInterpolations(text);
  if (parts instanceof Unevaluated) return parts;
  if (parts.length === 0) return unescapeHclLiteral(text);
  if (parts.length === 1 && parts[0].start === 0 && parts[0].end === text.length) return evaluateExpression(parts[0].expression, scope);
  let out = "";
  let at = 0;
  for (const p of parts) {
    out += unescapeHclLiteral(text.slice(at, p.start));
    const v = evaluateExpression(p.expression, scope);
    if (v instanceof Unevaluated) return new Unevaluated(text);
    if (v !== null && typeof v === "object") return new Unevaluated(text);
    out += v === null ? "" : String(v);
    at = p.end;
  }
  return out + unescapeHclLiteral(text.slice(at));
}
var REFERENCE = /^(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)$/;
var ENV_CALL = /^env\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)$/;
function evaluateExpression(expression, scope) {
  const ref = REFERENCE.exec(expression);
  if (ref) {
    const [, kind, name = ""] = ref;
    const v = kind === "var" ? scope.variables.get(name) : scope.local(name);
    if (v === void 0) throw new UndefinedReference(`${kind}.${name}`);
    return v;
  }
  if (expression === "path.root" || expression === "path.cwd") return ".";
  const env = ENV_CALL.exec(expression);
  if (env) return `{{ env \`${env[1]}\` }}`;
  if (/^-?\d+(\.\d+)?$/.test(expression)) return Number(expression);
  if (expression === "true" || expression === "false") return expression === "true";
  if (expression === "null") return null;
  if (/^"(?:[^"\\$%]|\\.)*"$/.test(expression)) return JSON.parse(expression);
  return new Unevaluated(`\${${expression}}`);
}
function evaluateJson(value, variables) {
  if (typeof value === "string") {
    return value.replace(/\{\{\s*user\s+(?:`([^`]*)`|"([^"]*)")\s*\}\}/g, (_, a, b) => {
      const name = a ?? b ?? "";
      const v = variables.get(name);
      if (v === void 0) throw new UndefinedReference(`user variable '${name}'`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => evaluateJson(v, variables));
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = evaluateJson(v, variables);
    return out;
  }
  return value;
}

// src/core/packer/read-template.ts
var PackerTemplateError = class extends Error {
  constructor(problems) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join("\n"));
    this.problems = problems;
  }
  problems;
  name = "PackerTemplateError";
};
async function readPackerTemplate(template, options = {}) {
  const cwd = options.cwd ?? process.cwd();
  const abs = path5.resolve(cwd, template);
  if (!existsSync(abs)) throw problem(template, 1, 1, "no such file or folder");
  if (statSync(abs).isDirectory()) {
    const files = readdirSync(abs).filter((f) => f.endsWith(".pkr.hcl") || f.endsWith(".pkr.json")).sort().map((f) => path5.join(template, f));
    if (files.length === 0) throw problem(template, 1, 1, "the folder has no *.pkr.hcl file");
    return readHcl(files, template, options, cwd);
  }
  if (template.endsWith(".json") && !template.endsWith(".pkr.json")) return readJson(template, options, cwd);
  return readHcl([template], path5.dirname(template), options, cwd);
}
function readJson(file, options, cwd) {
  const text = readText(file, cwd);
  const doc = parseJsonLocated(text, file);
  if (!isObject(doc)) throw problem(file, 1, 1, 'expected a JSON object with "builders"');
  const variables = /* @__PURE__ */ new Map();
  for (const [k, v] of Object.entries(isObject(doc.variables) ? doc.variables : {})) variables.set(k, v === null ? "" : String(v));
  for (const varFile of options.varFiles ?? []) {
    const values = parseJsonLocated(readText(varFile, cwd), varFile);
    if (!isObject(values)) throw problem(varFile, 1, 1, "expected a JSON object of variable values");
    for (const [k, v] of Object.entries(values)) variables.set(k, String(v));
  }
  for (const [k, v] of Object.entries(options.vars ?? {})) variables.set(k, v);
  for (const [k, v] of variables) variables.set(k, expandJson(v, variables, file, text));
  if (!Array.isArray(doc.builders) || doc.builders.length === 0) throw problem(file, ...locate(text, '"builders"'), 'expected "builders", a list of builders');
  const sources = doc.builders.map((b, i) => {
    if (!isObject(b) || typeof b.type !== "string") throw problem(file, ...locate(text, '"builders"'), `builders[${i}] needs a "type"`);
    const { type, name, ...rest } = b;
    return { type, name: typeof name === "string" ? name : type, options: expandJson(rest, variables, file, text) };
  });
  const provisioners = [];
  for (const p of Array.isArray(doc.provisioners) ? doc.provisioners : []) {
    if (!isObject(p) || typeof p.type !== "string") throw problem(file, ...locate(text, '"provisioners"'), 'every provisioner needs a "type"');
    const { type, ...rest } = p;
    provisioners.push({ type, options: expandJson(rest, variables, file, text) });
  }
  const postProcessors = (Array.isArray(doc["post-processors"]) ? doc["post-processors"] : []).flat().map((p) => isObject(p) ? String(p.type) : String(p));
  const sensitive = /* @__PURE__ */ new Map();
  for (const name of Array.isArray(doc["sensitive-variables"]) ? doc["sensitive-variables"] : []) {
    const v = variables.get(String(name));
    if (v) sensitive.set(String(name), v);
  }
  return { dir: path5.dirname(path5.resolve(cwd, file)), builds: [{ name: baseName(file), sources, provisioners, postProcessors }], sensitive };
}
function expandJson(value, variables, file, text) {
  try {
    return evaluateJson(value, variables);
  } catch (err) {
    if (err instanceof UndefinedReference) {
      const name = /'(.*)'/.exec(err.reference)?.[1] ?? "";
      throw problem(file, ...locate(text, name), `${err.reference} is used but not declared under "variables"`);
    }
    throw err;
  }
}
function parseJsonLocated(text, file) {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err.message;
    const m = /line (\d+) column (\d+)/.exec(message);
    const pos = /position (\d+)/.exec(message);
    const [line, column] = m ? [Number(m[1]), Number(m[2])] : pos ? lineColumn(text, Number(pos[1])) : [1, 1];
    throw problem(file, line, column, `JSON: ${message.replace(/ in JSON at position.*$/, "").replace(/\s*\(line.*$/, "")}`);
  }
}
async function readHcl(files, dir, options, cwd) {
  const parsed = [];
  const autoVarFiles = existsSync(path5.resolve(cwd, dir)) ? readdirSync(path5.resolve(cwd, dir)).filter((f) => f.endsWith(".auto.pkrvars.hcl")).sort().map((f) => path5.join(dir, f)) : [];
  for (const file of files) parsed.push(await parseHclFile(file, cwd));
  const varFiles = [];
  for (const file of [...autoVarFiles, ...options.varFiles ?? []]) {
    varFiles.push(await parseHclFile(file, cwd));
  }
  const declared = /* @__PURE__ */ new Map();
  for (const f of parsed) {
    for (const [name, blocks] of Object.entries(asObject(f.body.variable))) {
      const block = asObject(asList(blocks)[0]);
      declared.set(name, { raw: block.default ?? null, type: typeof block.type === "string" ? block.type : "", sensitive: block.sensitive === true, at: f });
    }
  }
  const noRefs = { variables: /* @__PURE__ */ new Map(), local: () => void 0 };
  const variables = /* @__PURE__ */ new Map();
  for (const [name, d] of declared)
    variables.set(
      name,
      evaluateOrThrow(() => evaluateHcl(d.raw, noRefs), d.at, `variable "${name}"`)
    );
  for (const vf of varFiles) {
    for (const [name, raw] of Object.entries(vf.body)) {
      if (!declared.has(name)) throw problem(vf.file, ...locate(vf.text, name), `variable "${name}" is set but not declared in the template (variable "${name}" {})`);
      variables.set(
        name,
        evaluateOrThrow(() => evaluateHcl(raw, noRefs), vf, name)
      );
    }
  }
  for (const [name, value] of Object.entries(options.vars ?? {})) {
    const d = declared.get(name);
    if (!d) throw problem("--var", 1, 1, `variable "${name}" is not declared in the template; declared: ${[...declared.keys()].join(", ") || "none"}`);
    variables.set(name, typedCliValue(value, d.type));
  }
  const localRaw = /* @__PURE__ */ new Map();
  for (const f of parsed) {
    for (const block of asList(f.body.locals)) for (const [k, v] of Object.entries(asObject(block))) localRaw.set(k, { raw: v, at: f });
    for (const [k, blocks] of Object.entries(asObject(f.body.local))) localRaw.set(k, { raw: asObject(asList(blocks)[0]).expression, at: f });
  }
  const localValues = /* @__PURE__ */ new Map();
  const evaluating = /* @__PURE__ */ new Set();
  const scope = {
    variables,
    local(name) {
      if (localValues.has(name)) return localValues.get(name);
      const l = localRaw.get(name);
      if (!l) return void 0;
      if (evaluating.has(name)) throw problem(l.at.file, ...locate(l.at.text, name), `local.${name} refers to itself`);
      evaluating.add(name);
      const v = evaluateOrThrow(() => evaluateHcl(l.raw, scope), l.at, `local.${name}`);
      evaluating.delete(name);
      localValues.set(name, v);
      return v;
    }
  };
  const sources = /* @__PURE__ */ new Map();
  for (const f of parsed) {
    for (const [type, byName] of Object.entries(asObject(f.body.source))) {
      for (const [name, blocks] of Object.entries(asObject(byName))) sources.set(`source.${type}.${name}`, { type, name, raw: asObject(asList(blocks)[0]), at: f });
    }
  }
  const builds = [];
  for (const f of parsed) {
    const order = provisionerOrder(f.text);
    for (const [index, buildRaw] of asList(f.body.build).entries()) {
      const build = asObject(buildRaw);
      const used = [];
      const refs = asList(build.sources).map((r) => ({ ref: String(r), override: {} }));
      for (const [ref, blocks] of Object.entries(asObject(build.source))) for (const b of asList(blocks)) refs.push({ ref, override: asObject(b) });
      for (const { ref, override } of refs) {
        const s = sources.get(ref);
        if (!s) throw problem(f.file, ...locate(f.text, ref), `${ref} is not declared (source "${ref.split(".")[1] ?? ""}" "${ref.split(".")[2] ?? ""}" {})`);
        const { name: renamed, ...overrides } = override;
        const merged = { ...s.raw, ...overrides };
        const options2 = {};
        for (const [k, v] of Object.entries(merged)) options2[k] = evaluateOrThrow(() => evaluateHcl(v, scope), s.at, k);
        used.push({ type: s.type, name: typeof renamed === "string" ? renamed : s.name, options: options2 });
      }
      const listed = Array.isArray(build.provisioner) ? build.provisioner.flatMap((p) => Object.entries(asObject(p))) : void 0;
      const grouped = {};
      for (const [type, body] of listed ?? []) grouped[type] = [...asList(grouped[type]), ...asList(body)];
      if (!listed) Object.assign(grouped, asObject(build.provisioner));
      const taken = /* @__PURE__ */ new Map();
      const provisioners = [];
      const typesInOrder = listed ? listed.map(([type]) => type) : order.get(index) ?? Object.keys(grouped);
      for (const type of typesInOrder) {
        const n = taken.get(type) ?? 0;
        taken.set(type, n + 1);
        const raw = asList(grouped[type])[n];
        if (raw === void 0) continue;
        const opts = {};
        for (const [k, v] of Object.entries(asObject(raw))) opts[k] = evaluateOrThrow(() => evaluateHcl(v, scope), f, k);
        provisioners.push({ type, options: opts });
      }
      const postProcessors = [...Object.keys(asObject(build["post-processor"])), ...asList(build["post-processors"]).flatMap((b) => Object.keys(asObject(asObject(b)["post-processor"])))];
      builds.push({ name: typeof build.name === "string" ? build.name : baseName(f.file), sources: used, provisioners, postProcessors });
    }
  }
  if (builds.length === 0) throw problem(files[0], 1, 1, "the template has no build block (build { sources = [...] })");
  const sensitive = /* @__PURE__ */ new Map();
  for (const [name, d] of declared) {
    const v = variables.get(name);
    if (d.sensitive && (typeof v === "string" || typeof v === "number")) sensitive.set(name, String(v));
  }
  return { dir: path5.resolve(cwd, dir), builds, sensitive };
}
function provisionerOrder(text) {
  const order = /* @__PURE__ */ new Map();
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " ")).replace(/(^|\s)(#|\/\/).*$/gm, "$1");
  let build = -1;
  for (const m of withoutComments.matchAll(/^\s*(build\s*\{|provisioner\s+"([^"]+)")/gm)) {
    if (m[1].startsWith("build")) {
      build++;
      order.set(build, []);
    } else if (build >= 0) order.get(build).push(m[2]);
  }
  return order;
}
async function parseHclFile(file, cwd) {
  const text = readText(file, cwd);
  if (file.endsWith(".json")) return { file, text, body: parseJsonLocated(text, file) };
  try {
    return { file, text, body: await (0, import_hcl2json.parse)(file, text) };
  } catch (err) {
    const message = String(err.message ?? err);
    const m = /:(\d+),(\d+)-[\d,]+:\s*([^\]]*)/.exec(message);
    throw problem(file, m ? Number(m[1]) : 1, m ? Number(m[2]) : 1, `HCL: ${m ? m[3].trim() : message}`);
  }
}
function evaluateOrThrow(run, at, where) {
  try {
    return run();
  } catch (err) {
    if (err instanceof UndefinedReference) throw problem(at.file, ...locate(at.text, err.reference), `${where}: ${err.message}`);
    throw err;
  }
}
function typedCliValue(value, type) {
  if (type === "${number}" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === "${bool}" && (value === "true" || value === "false")) return value === "true";
  if (type.startsWith("${list") || type.startsWith("${map") || type.startsWith("${object")) return new Unevaluated(value);
  return value;
}
function readText(file, cwd) {
  try {
    return readFileSync(path5.resolve(cwd, file), "utf8");
  } catch (err) {
    const reason = err.code === "ENOENT" ? "no such file" : err.message;
    throw problem(file, 1, 1, `cannot read: ${reason}`);
  }
}
function problem(file, line, column, message) {
  return new PackerTemplateError([{ file, line, column, path: "", message }]);
}
function locate(text, needle) {
  const at = needle ? text.indexOf(needle) : -1;
  return at < 0 ? [1, 1] : lineColumn(text, at);
}
function lineColumn(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return [line, offset - before.lastIndexOf("\n")];
}
function baseName(file) {
  return path5.basename(file).replace(/\.(pkr\.hcl|pkr\.json|json|hcl)$/, "");
}
function isObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
function asObject(v) {
  return isObject(v) ? v : {};
}
function asList(v) {
  return Array.isArray(v) ? v : v === void 0 ? [] : [v];
}

// src/core/packer/to-build.ts
import { globSync } from "node:fs";
import path6 from "node:path";
var VM_KEYS = [
  "name",
  "source",
  "cpu",
  "cpuModel",
  "memory",
  "machineType",
  "efiFirmware",
  "disks",
  "cdroms",
  "nics",
  "httpDirectory",
  "httpContent",
  "bootWait",
  "bootKeyInterval",
  "bootCommand",
  "communicator",
  "provisioners",
  "shutdownCommand",
  "shutdownTimeout",
  "output"
];
var NEAREST_FIELD = {
  iso_target_path: "source",
  iso_target_extension: "source",
  iso_skip_cache: "source",
  use_backing_file: "source",
  disk_cache: "disks",
  disk_discard: "disks",
  disk_detect_zeroes: "disks",
  skip_resize_disk: "disks",
  skip_compaction: "output",
  output_directory: "output",
  qemu_img_args: "output",
  net_bridge: "nics",
  accelerator: "cpu",
  sockets: "cpu",
  cores: "cpu",
  threads: "cpu",
  qemu_binary: "cpu",
  qemuargs: "cpu",
  headless: "cpu",
  display: "cpu",
  use_default_display: "cpu",
  vga: "cpu",
  qmp_enable: "cpu",
  qmp_socket_path: "cpu",
  vtpm: "efiFirmware",
  use_tpm1: "efiFirmware",
  tpm_device_type: "efiFirmware",
  efi_firmware_code: "efiFirmware",
  efi_firmware_vars: "efiFirmware",
  efi_drop_efivars: "efiFirmware",
  firmware: "efiFirmware",
  use_pflash: "efiFirmware",
  vnc_bind_address: "bootCommand",
  vnc_port_min: "bootCommand",
  vnc_port_max: "bootCommand",
  vnc_use_password: "bootCommand",
  disable_vnc: "bootCommand",
  boot_keygroup_interval: "bootCommand",
  http_port_min: "httpDirectory",
  http_port_max: "httpDirectory",
  http_bind_address: "httpDirectory",
  http_interface: "httpDirectory",
  http_network_protocol: "httpDirectory",
  cd_content: "cdroms",
  floppy_content: "cdroms",
  iso_volume_name: "source",
  instance_type: "cpu",
  preference: "machineType"
};
var SECRET_OPTION = /password|secret|token|passphrase/i;
var IMPORTED_BUILDERS = ["qemu", "kubevirt-iso"];
function toBuild(template) {
  const notes = [];
  const vms = [];
  const names = /* @__PURE__ */ new Set();
  const first = template.builds[0];
  for (const build2 of template.builds) {
    for (const source of build2.sources) {
      const label = `source.${source.type}.${source.name}`;
      if (!IMPORTED_BUILDERS.includes(source.type)) {
        notes.push({ path: ["layers", 0, "vms"], option: label, comment: `packer: ${label} skipped: only qemu and kubevirt-iso builders are imported`, warn: true });
        continue;
      }
      const vmPath = ["layers", 0, "vms", vms.length];
      const name = uniqueName(kubeName(source.name), names);
      vms.push(mapSource(source, build2, name, vmPath, template.dir, notes));
    }
    for (const pp of build2.postProcessors) {
      notes.push({ path: [], option: `post-processor "${pp}"`, comment: `packer: post-processor "${pp}" not imported: publishing is the publish step (ruddervirt publish / publish-containerdisk)`, warn: true });
    }
  }
  const build = { name: kubeName(first.name), layers: [{ name: "packer", vms }] };
  const text = JSON.stringify(build);
  for (const [name, value] of template.sensitive) {
    if (value.length >= 3 && !value.startsWith("{{") && text.includes(JSON.stringify(value).slice(1, -1))) {
      notes.push({
        path: [],
        before: "name",
        option: `variable "${name}"`,
        comment: `packer: variable "${name}" is sensitive and its value is written into this build file: replace it with {{ env \`NAME\` }} (masked in logs) before committing the file`,
        warn: true
      });
    }
  }
  return { build, notes };
}
function mapSource(source, build, name, vmPath, dir, notes) {
  const o = source.options;
  const vm = { name };
  const prefix = `source.${source.type}.${source.name}`;
  const consumed = /* @__PURE__ */ new Set(["type"]);
  const take = (key) => {
    if (!Object.hasOwn(o, key)) return void 0;
    consumed.add(key);
    const v = o[key];
    if (v instanceof Unevaluated) {
      note(key, `uses ${v.expression}, which import-packer does not evaluate (functions and expressions other than var., local. and path.root): write the value`);
      return void 0;
    }
    return v;
  };
  const note = (key, why, where = vmPath, before = NEAREST_FIELD[key] ?? fieldOf(PACKER_BUILDER_OPTIONS[key]), warn = true) => {
    consumed.add(key);
    notes.push({ path: where, before, option: `${prefix}.${key}`, comment: `packer: ${key} = ${shown(key, o[key])}: ${why}`, warn });
  };
  const urls = take("iso_urls");
  const url = take("iso_url") ?? (Array.isArray(urls) ? urls[0] : void 0);
  if (Array.isArray(urls) && urls.length > 1) note("iso_urls", `only the first URL is used (RudderVirt has no mirror list); dropped: ${urls.slice(1).join(", ")}`, vmPath, "source");
  const checksumRaw = take("iso_checksum");
  const diskImage = take("disk_image") === true;
  const checksum = checksumRaw === void 0 ? void 0 : normaliseChecksum(String(checksumRaw));
  if (checksum?.why) note("iso_checksum", checksum.why, vmPath, "source");
  if (typeof url === "string") {
    const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
    if (diskImage) vm.source = remote ? { url, checksum: checksum?.value } : { path: url };
    else vm.source = { iso: { url: remote ? url : `file://${path6.resolve(dir, url)}`, checksum: checksum?.value } };
    if (!remote && !diskImage) note("iso_url", `a local ISO becomes a file:// URL (${url} relative to the template)`, vmPath, "source", false);
  } else if (Object.hasOwn(o, "iso_volume_name")) {
    note("iso_volume_name", "RudderVirt imports the ISO itself: give its URL and checksum as source.iso", vmPath, "source");
  }
  setIf(vm, "cpu", num(take("cpus")));
  setIf(vm, "cpuModel", str(take("cpu_model")));
  const memory = num(take("memory"));
  if (memory !== void 0) vm.memory = `${memory < 10 ? 512 : memory}Mi`;
  const machine = str(take("machine_type"));
  if (machine === "q35" || machine === "pc") vm.machineType = machine;
  else if (machine !== void 0) note("machine_type", `only q35 and pc exist here (${machine} is not offered by KubeVirt); q35 is used`, vmPath, "cpu");
  const efiCode = str(o.efi_firmware_code);
  const efi = take("efi_boot") === true || efiCode !== void 0 || o.efi_firmware_vars !== void 0;
  if (efi) vm.efiFirmware = efiCode !== void 0 && /secboot|\.ms\.|secure/i.test(efiCode) ? { secureBoot: true } : true;
  const bus = busOf(str(take("disk_interface")), (why) => note("disk_interface", why, vmPath, "disks"));
  const size = take("disk_size");
  const root = { name: "root" };
  if (size !== void 0) root.size = packerSize(size, (why) => note("disk_size", why, vmPath, "disks"));
  if (bus) root.bus = bus;
  const disks = [root];
  const extra = take("disk_additional_size");
  for (const [i, s] of (Array.isArray(extra) ? extra : []).entries()) {
    disks.push({ name: `data-${i + 1}`, size: packerSize(s, (why) => note("disk_additional_size", why, vmPath, "disks")), ...bus ? { bus } : {} });
  }
  if (size !== void 0 || bus || disks.length > 1) vm.disks = disks;
  const cdroms = [];
  const cdFiles = take("cd_files");
  const cdLabel = str(take("cd_label"));
  if (Array.isArray(cdFiles) && cdFiles.length > 0) cdroms.push({ name: "cd", files: expandGlobs(cdFiles.map(String), dir), ...cdLabel ? { label: cdLabel } : {} });
  const floppyFiles = [...asStrings(take("floppy_files")), ...asStrings(take("floppy_dirs"))];
  const floppyLabel = str(take("floppy_label"));
  if (floppyFiles.length > 0) {
    cdroms.push({ name: "floppy", files: expandGlobs(floppyFiles, dir), label: floppyLabel ?? "floppy" });
    notes.push({
      path: vmPath,
      before: "cdroms",
      option: `${prefix}.floppy_files`,
      comment: "packer: floppy_files: KubeVirt has no floppy drive, so these files are on a cdrom labelled like the floppy; Windows Setup also reads Autounattend.xml from the root of a CD",
      warn: true
    });
  }
  if (cdroms.length > 0) vm.cdroms = cdroms;
  const net = str(take("net_device"));
  if (net !== void 0) {
    const model = { "virtio-net": "virtio", "virtio-net-pci": "virtio", virtio: "virtio", e1000: "e1000", e1000e: "e1000e", rtl8139: "rtl8139" }[net];
    if (model) vm.nics = [{ model }];
    else note("net_device", `${net} is not offered (virtio, e1000, e1000e or rtl8139); the default virtio is used`, vmPath, "nics");
  }
  setIf(vm, "httpDirectory", str(take("http_directory")));
  const httpContent = take("http_content");
  if (httpContent && typeof httpContent === "object" && !Array.isArray(httpContent)) vm.httpContent = httpContent;
  setIf(vm, "bootWait", str(take("boot_wait")));
  setIf(vm, "bootKeyInterval", str(take("boot_key_interval")));
  const boot = take("boot_command");
  if (Array.isArray(boot)) vm.bootCommand = boot.map(String);
  else if (typeof boot === "string") vm.bootCommand = [boot];
  const steps = take("boot_steps");
  if (Array.isArray(steps) && steps.length > 0) {
    vm.bootCommand = steps.map((s) => String(Array.isArray(s) ? s[0] : s));
    const described = steps.filter((s) => Array.isArray(s) && s[1] !== void 0).map((s) => String(s[1]));
    note("boot_steps", `joined into bootCommand; the step descriptions were: ${described.join(" | ") || "(none)"}`, vmPath, "bootCommand", false);
  }
  vm.communicator = mapCommunicator(o, consumed, vmPath, prefix, notes);
  const provisioners = [];
  const provPath = [...vmPath, "provisioners"];
  for (const p of build.provisioners) {
    if (!appliesTo(p, source)) continue;
    const mapped = mapProvisioner(p, provPath, provisioners.length, notes);
    if (mapped) provisioners.push(mapped);
  }
  if (provisioners.length > 0) vm.provisioners = provisioners;
  else if (notes.some((n) => n.path.join(".") === provPath.join("."))) {
    for (const n of notes) if (n.path.join(".") === provPath.join(".")) Object.assign(n, { path: vmPath, before: "shutdownCommand" });
  }
  setIf(vm, "shutdownCommand", str(take("shutdown_command")));
  setIf(vm, "shutdownTimeout", str(take("shutdown_timeout")));
  const format = str(take("format"));
  const compress = take("disk_compression") === true;
  if (format !== void 0 || compress) {
    const output = {};
    if (format) output.format = format;
    if (compress && format !== "raw") Object.assign(output, { compress: true, compressionType: "zlib" });
    if (compress && format === "raw") note("disk_compression", "Packer ignores it with format raw too", vmPath, "output");
    vm.output = output;
  }
  for (const key of Object.keys(o)) {
    if (consumed.has(key)) continue;
    const fate = PACKER_BUILDER_OPTIONS[key];
    if (fate?.kind === "unsupported") note(key, `not supported: ${fate.why}`);
    else if (fate) note(key, `not imported: ${fate.kind === "different" ? fate.note : `set ${fate.to} by hand`}`);
    else note(key, `not a ${source.type} option import-packer knows; not imported`, vmPath, void 0);
  }
  placeNotes(vm, vmPath, notes);
  return vm;
}
function mapCommunicator(o, consumed, vmPath, prefix, notes) {
  const path12 = [...vmPath, "communicator"];
  const type = str(o.communicator) ?? (Object.keys(o).some((k) => k.startsWith("winrm_")) ? "winrm" : "ssh");
  consumed.add("communicator");
  const c = { type: type === "none" ? "none" : "ssh" };
  if (type === "winrm") {
    notes.push({
      path: path12,
      before: "type",
      option: `${prefix}.communicator`,
      comment: `packer: communicator = "winrm": ${String(PACKER_BUILDER_OPTIONS.winrm_username.note)}; the WinRM user, password and timeout are used for SSH`,
      warn: true
    });
  }
  for (const [key, value] of Object.entries(o)) {
    if (!key.startsWith("ssh_") && !key.startsWith("winrm_") && key !== "pause_before_connecting") continue;
    consumed.add(key);
    const fate = PACKER_BUILDER_OPTIONS[key];
    const to = fate && fate.kind !== "unsupported" && fate.to.startsWith("communicator.") ? fate.to.slice("communicator.".length) : void 0;
    if (value instanceof Unevaluated) {
      notes.push({ path: path12, option: `${prefix}.${key}`, comment: `packer: ${key}: uses ${value.expression}, which import-packer does not evaluate: write the value`, warn: true });
    } else if (to && (type !== "winrm" || key.startsWith("winrm_") || key === "pause_before_connecting")) {
      c[to] = value;
    } else {
      const why = fate?.kind === "unsupported" ? fate.why : fate ? `ignored with communicator ${type}` : "not a communicator option import-packer knows";
      notes.push({ path: path12, option: `${prefix}.${key}`, comment: `packer: ${key} = ${shown(key, value)}: not supported: ${why}`, warn: true });
    }
  }
  return c;
}
function appliesTo(p, source) {
  const names = [source.name, `${source.type}.${source.name}`, `source.${source.type}.${source.name}`];
  const only = p.options.only;
  const except = p.options.except;
  if (Array.isArray(only) && !only.some((n) => names.includes(String(n)))) return false;
  if (Array.isArray(except) && except.some((n) => names.includes(String(n)))) return false;
  return true;
}
function mapProvisioner(p, provPath, index, notes) {
  const label = `provisioner "${p.type}"`;
  if (!SUPPORTED_PROVISIONER_TYPES.includes(p.type)) {
    const why = UNSUPPORTED_PROVISIONERS[p.type] ?? "there is no RudderVirt provisioner of this type";
    notes.push({ path: provPath, before: index, option: label, comment: `packer: ${label} not imported: ${why}`, warn: true });
    return void 0;
  }
  const out = { type: p.type };
  const itemPath = [...provPath, index];
  for (const [key, value] of Object.entries(p.options)) {
    if (key === "only" || key === "except") continue;
    const fate = PACKER_PROVISIONER_OPTIONS[key];
    if (value instanceof Unevaluated) {
      notes.push({ path: itemPath, option: `${label}.${key}`, comment: `packer: ${key}: uses ${value.expression}, which import-packer does not evaluate: write the value`, warn: true });
    } else if (fate && fate.kind !== "unsupported") {
      out[fate.to] = key === "inline" && typeof value === "string" ? [value] : value;
    } else {
      const why = fate?.kind === "unsupported" ? fate.why : `not a ${p.type} option import-packer knows`;
      notes.push({ path: itemPath, option: `${label}.${key}`, comment: `packer: ${key} = ${shown(key, value)}: not supported: ${why}`, warn: true });
    }
  }
  return out;
}
function placeNotes(vm, vmPath, notes) {
  const here = vmPath.join(".");
  for (const n of notes) {
    if (n.path.join(".") !== here || typeof n.before !== "string" || Object.hasOwn(vm, n.before)) continue;
    const start = VM_KEYS.indexOf(n.before);
    n.before = start < 0 ? void 0 : VM_KEYS.slice(start + 1).find((k) => Object.hasOwn(vm, k));
  }
}
function fieldOf(fate) {
  if (!fate || fate.kind === "unsupported") return void 0;
  const first = /^[A-Za-z]+/.exec(fate.to)?.[0];
  return first && VM_KEYS.includes(first) ? first : void 0;
}
function normaliseChecksum(text) {
  const t = text.trim();
  if (t.toLowerCase() === "none") return { why: "none (no checksum) is not accepted: every download is checked; put the digest here" };
  if (t.toLowerCase().startsWith("file:")) return { value: t, why: "a checksum file is not read: write the digest itself as algo:hex (look it up in that file)" };
  const colon = t.indexOf(":");
  if (colon > 0) return { value: `${t.slice(0, colon).toLowerCase()}:${t.slice(colon + 1).toLowerCase()}` };
  const algo = { 32: "md5", 40: "sha1", 64: "sha256", 128: "sha512" }[t.length];
  return algo && /^[0-9a-f]+$/i.test(t) ? { value: `${algo}:${t.toLowerCase()}` } : { value: t };
}
function packerSize(value, report) {
  const m = /^(\d+)\s*([bkmgt])?$/i.exec(String(value).trim());
  if (!m) {
    report(`${String(value)} is not a Packer size (digits and b, k, m, g or t); write the size by hand, e.g. 20Gi`);
    return void 0;
  }
  const unit = (m[2] ?? "m").toLowerCase();
  if (unit === "b") return Number(m[1]);
  return `${m[1]}${{ k: "Ki", m: "Mi", g: "Gi", t: "Ti" }[unit]}`;
}
function busOf(iface, report) {
  if (iface === void 0) return void 0;
  const bus = { virtio: "virtio", "virtio-scsi": "scsi", scsi: "scsi", sata: "sata", ide: "sata" }[iface];
  if (iface === "ide") report("ide becomes sata: KubeVirt rejects the IDE bus");
  else if (!bus) report(`${iface} is not a bus here (virtio, sata or scsi); the default virtio is used`);
  return bus;
}
function expandGlobs(patterns, dir) {
  const out = [];
  for (const p of patterns) {
    if (!/[*?[]/.test(p)) {
      out.push(p);
      continue;
    }
    const hits = globSync(p, { cwd: dir }).sort();
    out.push(...hits.length > 0 ? hits : [p]);
  }
  return out;
}
function kubeName(text) {
  const n = text.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63).replace(/-+$/, "");
  return n || "packer";
}
function uniqueName(name, taken) {
  let n = name;
  for (let i = 2; taken.has(n); i++) n = `${name}-${i}`;
  taken.add(n);
  return n;
}
function shown(key, value) {
  if (value === void 0) return "(unset)";
  if (SECRET_OPTION.test(key)) return "(secret, not shown)";
  const text = value instanceof Unevaluated ? value.expression : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
function setIf(target, key, value) {
  if (value !== void 0) target[key] = value;
}
function str(v) {
  return v === void 0 || v === null || typeof v === "object" ? void 0 : String(v);
}
function num(v) {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return void 0;
}
function asStrings(v) {
  return Array.isArray(v) ? v.map(String) : [];
}

// src/core/packer/import-packer.ts
async function importPacker(template, options = {}) {
  const read = await readPackerTemplate(template, options);
  const { build, notes } = toBuild(read);
  const yaml = renderYaml(build, notes, template);
  const warnings = notes.filter((n) => n.warn).map(warningOf);
  const asFile = path7.join(read.dir, "build.yaml");
  try {
    const loaded = loadBuildText(yaml, asFile, { env: options.env ?? process.env, cwd: options.cwd });
    return { yaml, warnings, notes, build: loaded, problems: [] };
  } catch (err) {
    if (!(err instanceof BuildFileError)) throw err;
    return { yaml, warnings, notes, problems: err.problems.map((p) => ({ ...p, file: "<stdout>" })) };
  }
}
function warningOf(n) {
  const body = n.comment.replace(/^packer: /, "");
  const dot = n.option.lastIndexOf(".");
  const key = n.option.slice(dot + 1);
  return dot > 0 && body.startsWith(key) ? `${n.option.slice(0, dot)}: ${body}` : body;
}
function renderYaml(build, notes, template) {
  const doc = new import_yaml.Document(build);
  doc.commentBefore = ` Imported from ${path7.basename(template)} by ruddervirt import-packer. Lines starting "packer:" are
 options that did not carry over (also printed as warnings); review them before the first build.`;
  for (const n of notes) {
    const target = n.path.length === 0 ? doc.contents : doc.getIn(n.path, true);
    attach(target ?? doc.contents, n);
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}
function attach(target, n) {
  const line = ` ${n.comment}`;
  if ((0, import_yaml.isMap)(target)) {
    const pair = n.before === void 0 ? void 0 : target.items.find((p) => (0, import_yaml.isScalar)(p.key) && p.key.value === n.before);
    if (pair && (0, import_yaml.isScalar)(pair.key)) {
      pair.key.commentBefore = pair.key.commentBefore ? `${pair.key.commentBefore}
${line}` : line;
      return;
    }
  }
  if ((0, import_yaml.isSeq)(target) && typeof n.before === "number") {
    const item = target.items[n.before];
    if (item && ((0, import_yaml.isMap)(item) || (0, import_yaml.isScalar)(item) || (0, import_yaml.isSeq)(item))) {
      item.commentBefore = item.commentBefore ? `${item.commentBefore}
${line}` : line;
      return;
    }
  }
  if ((0, import_yaml.isMap)(target) || (0, import_yaml.isSeq)(target) || (0, import_yaml.isScalar)(target)) target.comment = target.comment ? `${target.comment}
${line}` : line;
}

// src/cli/commands/import-packer.ts
function parseImportPackerArgs(args) {
  const positional = [];
  const varFiles = [];
  const vars = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("-") && eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => {
      const v = flag !== arg ? arg.slice(eq + 1) : args[++i];
      if (v === void 0) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--var-file" || flag === "-var-file") varFiles.push(value());
    else if (flag === "--var" || flag === "-var") {
      const assignment = value();
      const at = assignment.indexOf("=");
      if (at <= 0) throw new UsageError(`--var expects NAME=VALUE, got '${assignment}'`);
      vars[assignment.slice(0, at)] = assignment.slice(at + 1);
    } else if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option '${arg}'`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError("expected one Packer template (a .json or .pkr.hcl file, or a folder of .pkr.hcl files)");
  return { template: positional[0], varFiles, vars };
}
var importPackerCommand = {
  name: "import-packer",
  summary: "Turn a Packer template (JSON or HCL2, qemu builder) into a build file",
  usage: `Usage: ruddervirt import-packer TEMPLATE [--var-file FILE]... [--var NAME=VALUE]...

Reads a Packer template \u2014 a JSON file, a .pkr.hcl file, or a folder of .pkr.hcl files with their
variables, locals and *.auto.pkrvars.hcl \u2014 and prints the equivalent build file on stdout: its qemu
and kubevirt-iso sources become VMs, its shell, file, windows-restart and windows-update
provisioners come along, and Packer's variables are expanded the way Packer expands them (boot
commands keep {{ .HTTPIP }}, {{ .HTTPPort }} and {{ .Name }} for build time).

Every option that has no place in a build file is written as a "# packer:" comment where it would
go and printed as a warning on stderr, with the reason. The result is checked like 'validate' does,
as if saved beside the template. Exit 0 when it validates; 1 when the template is broken or the
result does not validate (the problems are printed with their lines).

Options:
  --var-file FILE    A *.pkrvars.hcl (HCL2) or JSON (legacy) file of variable values (repeatable)
  --var NAME=VALUE   Set a template variable (repeatable; applied after the var files)

Example:
  ruddervirt import-packer fedora.pkr.hcl --var-file prod.pkrvars.hcl > fedora.yaml
`,
  async run(args, io) {
    const { template, varFiles, vars } = parseImportPackerArgs(args);
    try {
      const result = await importPacker(template, { varFiles, vars, cwd: io.cwd, env: io.env });
      io.stdout.write(result.yaml);
      for (const w of result.warnings) io.stderr.write(`warning: ${w}
`);
      if (result.problems.length > 0) {
        for (const p of result.problems) io.stderr.write(`${formatProblem(p)}
`);
        io.stderr.write(`${template}: the imported build file does not validate (${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}; lines refer to stdout)
`);
        return 1;
      }
      return 0;
    } catch (err) {
      if (!(err instanceof PackerTemplateError)) throw err;
      for (const p of err.problems) io.stderr.write(`${formatProblem(p)}
`);
      return 1;
    }
  }
};

// src/cli/commands/publish.ts
import { readFile as readFile2 } from "node:fs/promises";
import path8 from "node:path";
var usage4 = `Usage: ruddervirt publish DISK IMAGE_REF... [options]
       ruddervirt publish --disk PLATFORM=DISK... IMAGE_REF... [options]

Packages a qcow2 or raw disk as a KubeVirt containerDisk (one layer holding /disk/disk.qcow2 or
/disk/disk.img, owned by 107:107) and pushes it to every IMAGE_REF, streaming: the disk is compressed
while it is hashed and uploaded, with no temporary copy. Prints IMAGE@sha256:\u2026 last.

An image whose 'shasum' label already matches the disk is not sent again.

Options:
  --platform OS/ARCH        platform of DISK (default linux/amd64)
  --disk PLATFORM=PATH      one disk per platform, repeatable: pushes an index (multi-platform
                            image); every positional argument is then an IMAGE_REF
  --label KEY=VALUE         image label, repeatable
  --compression gzip|zstd   layer compression (default gzip)
  --compression-level N     gzip 1-9 (default 6), zstd 1-19 (default 3)
  --format oci|docker       manifest media types (default oci; docker = Docker v2 schema 2)
  --insecure                allow plain http and unverified TLS (always allowed for localhost)
  --ca-file PEM             trust this CA for the registry's certificate
  --username USER           registry user; the password comes from --password-file or
  --password-file FILE      RUDDERVIRT_REGISTRY_PASSWORD (else docker's config.json is used)
  --authfile PATH           docker config.json to read (default $DOCKER_CONFIG or ~/.docker)
  --oci-layout DIR          write an OCI layout directory instead of pushing (IMAGE_REFs, or
                            bare tags, name its entries; default 'latest')
  --source URL              org.opencontainers.image.source (default: the GitHub repository)
  --revision REV            org.opencontainers.image.revision (default: $GITHUB_SHA)
  --title TEXT              org.opencontainers.image.title
  --created RFC3339         image creation time (default $SOURCE_DATE_EPOCH, else the disk's mtime)
  --verbose                 debug output
`;
function cliLogger(stderr, masker, verbose) {
  const base = terminalLogger(stderr, masker, verbose);
  const tty = stderr.isTTY === true;
  if (!tty) return { logger: base, tty };
  let progressShown = false;
  const clear = () => {
    if (progressShown) stderr.write("\r\x1B[K");
    progressShown = false;
  };
  const wrap = (l) => ({
    info: (m) => (clear(), l.info(m)),
    warn: (m) => (clear(), l.warn(m)),
    error: (m) => (clear(), l.error(m)),
    debug: (m) => (clear(), l.debug(m)),
    progress: (p) => {
      stderr.write(`\r\x1B[K${masker.mask(formatProgress(p))}`);
      progressShown = true;
      if (p.total !== void 0 && p.done === p.total) clear();
    },
    child: (prefix) => wrap(l.child(prefix))
  });
  return { logger: wrap(base), tty };
}
function parseDiskFlag(value) {
  const eq = value.indexOf("=");
  if (eq <= 0 || eq === value.length - 1) throw new UsageError(`--disk expects PLATFORM=PATH (e.g. linux/arm64=arm64.qcow2), got '${value}'`);
  return { platform: value.slice(0, eq), path: value.slice(eq + 1) };
}
var publishCommand = {
  name: "publish",
  summary: "Push a disk to a registry as a KubeVirt containerDisk",
  usage: usage4,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      platform: { type: "string" },
      disk: { type: "string", multiple: true },
      label: { type: "string", multiple: true },
      compression: { type: "string" },
      "compression-level": { type: "string" },
      format: { type: "string" },
      insecure: { type: "boolean" },
      "ca-file": { type: "string" },
      username: { type: "string" },
      "password-file": { type: "string" },
      authfile: { type: "string" },
      "oci-layout": { type: "string" },
      source: { type: "string" },
      revision: { type: "string" },
      title: { type: "string" },
      created: { type: "string" },
      verbose: { type: "boolean" }
    });
    const resolvePath = (p) => path8.resolve(io.cwd, p);
    let disk;
    let refs;
    if (values.disk?.length) {
      if (values.platform) throw new UsageError("--platform is for a single DISK; with --disk give PLATFORM=PATH for each");
      disk = values.disk.map(parseDiskFlag).map((d) => ({ ...d, path: resolvePath(d.path) }));
      refs = positionals;
    } else {
      const [first, ...rest] = positionals;
      if (first === void 0) throw new UsageError("missing DISK");
      disk = resolvePath(first);
      refs = rest;
    }
    const layout = values["oci-layout"] ? resolvePath(values["oci-layout"]) : void 0;
    if (refs.length === 0 && !layout) throw new UsageError("missing IMAGE_REF (where to push), or --oci-layout DIR");
    const compression = values.compression ?? "gzip";
    if (compression !== "gzip" && compression !== "zstd") throw new UsageError(`--compression must be gzip or zstd, got '${compression}'`);
    const format = values.format ?? "oci";
    if (format !== "oci" && format !== "docker") throw new UsageError(`--format must be oci or docker, got '${format}'`);
    let level;
    if (values["compression-level"] !== void 0) {
      level = Number(values["compression-level"]);
      if (!Number.isInteger(level)) throw new UsageError(`--compression-level must be a whole number, got '${values["compression-level"]}'`);
    }
    const masker = new SecretMasker();
    let password = io.env.RUDDERVIRT_REGISTRY_PASSWORD;
    if (values["password-file"]) {
      try {
        password = (await readFile2(resolvePath(values["password-file"]), "utf8")).replace(/\r?\n$/, "");
      } catch (err) {
        throw new UserError(`--password-file ${values["password-file"]}: ${err.code ?? String(err)}`);
      }
    }
    if (values.username && !password) throw new UsageError("--username needs --password-file or RUDDERVIRT_REGISTRY_PASSWORD");
    masker.add(password);
    const { logger, tty } = cliLogger(io.stderr, masker, values.verbose === true);
    const env = io.env;
    const source = values.source ?? (env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}` : void 0);
    const revision = values.revision ?? env.GITHUB_SHA;
    const result = await publishContainerDisk({
      disk,
      refs,
      labels: parseKeyValues(values.label, "--label"),
      compression,
      compressionLevel: level,
      platform: values.platform,
      format,
      insecure: values.insecure === true,
      caFile: values["ca-file"] ? resolvePath(values["ca-file"]) : void 0,
      auth: {
        ...values.username ? { username: values.username, password } : {},
        ...values.authfile ? { dockerConfig: resolvePath(values.authfile) } : {}
      },
      build: {
        ...source ? { source } : {},
        ...revision ? { revision } : {},
        ...values.title ? { title: values.title } : {},
        ...values.created ? { created: values.created } : {}
      },
      ociLayout: layout,
      logger,
      masker,
      env,
      signal: io.signal,
      progressIntervalMs: tty ? 250 : 1e4
    });
    const names = [...new Set(result.refs.map((r) => r.replace(/:[\w][\w.-]{0,127}$/, "")))];
    for (const name of names) io.stdout.write(`${name}@${result.digest}
`);
    return 0;
  }
};

// src/cli/commands/prune.ts
import path9 from "node:path";

// src/engines/kubevirt/prune-layers.ts
async function pruneKubevirtLayers(req) {
  const target = loadKubeTarget({ env: req.env, ...req.namespace ? { namespace: req.namespace } : {}, ...req.kubeconfig ? { kubeconfig: req.kubeconfig } : {} });
  const objects = new ObjectClient(new KubeApi(target.kc), req.logger);
  const result = await pruneKept({
    objects,
    namespace: target.namespace,
    kinds: KEPT_KINDS,
    scope: { build: req.build, ...req.layer !== void 0 ? { layer: req.layer } : {} },
    keep: req.keep,
    signal: req.signal,
    timeoutMs: req.timeoutMs ?? DEFAULT_TIMEOUTS.cleanup
  });
  return { ...result, namespace: target.namespace };
}

// src/cli/commands/prune.ts
var usage5 = `Usage: ruddervirt prune FILE [options]
       ruddervirt prune --build NAME [options]
       ruddervirt prune --containerdisks [--older-than DAYS]

A kubevirt build keeps each layer's outputs in its namespace (CDI DataVolumes or CSI
VolumeSnapshots labelled ruddervirt.io/layer-key), so a later build of an unchanged layer clones
them instead of booting its VMs; each successful layer keeps the newest 2 per VM (build
--keep-layers). This removes them: all of the build's, or those beyond the newest --keep per
layer and VM. The build file only gives the build's name.

With --containerdisks it empties this machine's cache of containerDisk sources instead: the disks
local builds extracted from registries, kept by manifest digest under RUDDERVIRT_CACHE_DIR/
containerdisks (default ~/.cache/ruddervirt/containerdisks) so a rebuild needs no registry.

Options:
  --containerdisks     Remove the cached containerDisk sources (no build file needed).
  --older-than DAYS    With --containerdisks: only those pulled more than DAYS days ago.
  --build NAME         The build's name, instead of a build file.
  --layer LAYER        Only this layer's outputs.
  --keep N             Keep the newest N per layer and VM (default 0: remove all).
  --var k=v            Set a build variable, if the file needs one to load (repeatable).
  --kubeconfig FILE    The cluster and credentials (default: KUBECONFIG, ~/.kube/config, or the
                       pod's service account inside a cluster).
  --namespace NS       Where the builds ran (default: the context's namespace, else default).
  --verbose            Debug lines too.

The local engine's layer cache is a folder: remove RUDDERVIRT_CACHE_DIR/layers (default
~/.cache/ruddervirt/layers) to empty it.

Exit status: 0 removed (or nothing to remove), 1 something could not be removed.
`;
var pruneCommand = {
  name: "prune",
  summary: "Remove the layer outputs kubevirt builds keep in the cluster, or the cached containerDisks",
  usage: usage5,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      build: { type: "string" },
      layer: { type: "string" },
      keep: { type: "string", default: "0" },
      var: { type: "string", multiple: true },
      kubeconfig: { type: "string" },
      namespace: { type: "string" },
      verbose: { type: "boolean", default: false },
      containerdisks: { type: "boolean", default: false },
      "older-than": { type: "string" }
    });
    if (values.containerdisks) return pruneContainerDiskCache(values["older-than"], positionals, io, values.verbose);
    if (values["older-than"] !== void 0) throw new UsageError("--older-than goes with --containerdisks");
    if (positionals.length === 1 === (values.build !== void 0) || positionals.length > 1) throw new UsageError("expects a build file or --build NAME (one of them)");
    const keep = Number(values.keep);
    if (!/^\d+$/.test(values.keep) || !Number.isSafeInteger(keep)) throw new UsageError(`--keep must be a whole number, got '${values.keep}'`);
    const name = values.build ?? loadBuild(positionals[0], { vars: parseKeyValues(values.var, "--var"), env: io.env, cwd: io.cwd }).name;
    const logger = terminalLogger(io.stderr, new SecretMasker(), values.verbose);
    const result = await pruneKubevirtLayers({
      build: name,
      keep,
      env: io.env,
      logger,
      signal: io.signal,
      ...values.layer !== void 0 ? { layer: values.layer } : {},
      ...values.namespace !== void 0 ? { namespace: values.namespace } : {},
      ...values.kubeconfig !== void 0 ? { kubeconfig: path9.resolve(io.cwd, values.kubeconfig) } : {}
    });
    for (const r of result.removed) logger.info(`removed ${r}`);
    const what = `kept layer outputs of build ${name}${values.layer !== void 0 ? `, layer ${values.layer}` : ""} in namespace ${result.namespace}`;
    if (result.left.length > 0) throw new UserError(`could not remove every one of the ${what}:
${result.left.map((l) => `  - ${l}`).join("\n")}`, 1);
    logger.info(result.removed.length > 0 ? `removed ${result.removed.length} ${what}${keep > 0 ? ` (kept the newest ${keep} per VM)` : ""}` : `no ${what} to remove`);
    return 0;
  }
};
async function pruneContainerDiskCache(olderThan, positionals, io, verbose) {
  if (positionals.length > 0) throw new UsageError("--containerdisks takes no build file");
  let before;
  if (olderThan !== void 0) {
    if (!/^\d+$/.test(olderThan)) throw new UsageError(`--older-than must be a whole number of days, got '${olderThan}'`);
    before = new Date(Date.now() - Number(olderThan) * 864e5);
  }
  const logger = terminalLogger(io.stderr, new SecretMasker(), verbose);
  const cache = new ContainerDiskCache(defaultContainerDiskCacheDir(io.env));
  const { removed, bytes } = await cache.prune(before);
  for (const e of removed) logger.info(`removed ${e.image} (${e.digest}, ${formatBytes(e.size)})`);
  logger.info(removed.length > 0 ? `removed ${removed.length} cached containerDisk(s) from ${cache.dir}, ${formatBytes(bytes)} freed` : `no cached containerDisks to remove in ${cache.dir}`);
  return 0;
}

// src/cli/commands/render.ts
import { readFileSync as readFileSync2 } from "node:fs";
import path10 from "node:path";

// src/engines/kubevirt/rbac.ts
var import_yaml2 = __toESM(require_dist(), 1);
var VERB_ORDER = ["get", "list", "watch", "create", "update", "patch", "delete"];
function ruleResource(call) {
  return call.subresource ? `${call.resource}/${call.subresource}` : call.resource;
}
function rulesFor(calls) {
  const verbsByResource = /* @__PURE__ */ new Map();
  for (const call of calls) {
    const key = `${call.group}\0${ruleResource(call)}`;
    const verbs = verbsByResource.get(key) ?? /* @__PURE__ */ new Set();
    verbs.add(call.verb);
    verbsByResource.set(key, verbs);
  }
  const rules = /* @__PURE__ */ new Map();
  for (const [key, verbSet] of verbsByResource) {
    const [group = "", resource = ""] = key.split("\0");
    const verbs = [...verbSet].sort((a, b) => VERB_ORDER.indexOf(a) - VERB_ORDER.indexOf(b));
    const ruleKey = `${group}\0${verbs.join(",")}`;
    const rule = rules.get(ruleKey) ?? { apiGroups: [group], resources: [], verbs };
    rule.resources.push(resource);
    rules.set(ruleKey, rule);
  }
  const list = [...rules.values()];
  for (const r of list) r.resources.sort();
  return list.sort((a, b) => a.apiGroups[0].localeCompare(b.apiGroups[0]) || a.resources[0].localeCompare(b.resources[0]) || a.verbs.join().localeCompare(b.verbs.join()));
}
var ROLE_NAMES = {
  builder: "ruddervirt-builder",
  upload: "ruddervirt-builder-upload",
  network: "ruddervirt-builder-network",
  discovery: "ruddervirt-builder-discovery"
};
function roleOf(call) {
  const byScope = {
    namespace: () => "builder",
    "cdi-namespace": () => "upload",
    cluster: (f) => f === "network" ? "network" : "discovery"
  };
  return byScope[call.scope](call.feature);
}
function roleSets(namespace) {
  const all = [...API_CALLS, ...ALWAYS_ALLOWED_CALLS];
  const of = (role) => all.filter((c) => roleOf(c) === role);
  return [
    { name: ROLE_NAMES.builder, kind: "Role", namespace, calls: of("builder"), nonResource: false, purpose: "everything a build does in its namespace" },
    { name: ROLE_NAMES.upload, kind: "Role", namespace: CDI_NAMESPACE, calls: of("upload"), nonResource: false, purpose: "uploads of local disks and ISOs through cdi-uploadproxy" },
    { name: ROLE_NAMES.network, kind: "ClusterRole", calls: of("network"), nonResource: false, purpose: "Kube-OVN VPCs and subnets (only for builds with network.vpcs)" },
    { name: ROLE_NAMES.discovery, kind: "ClusterRole", calls: of("discovery"), nonResource: true, purpose: "read-only discovery of what the cluster offers (optional)" }
  ];
}
var LABELS = { "app.kubernetes.io/managed-by": "ruddervirt", "app.kubernetes.io/component": "rbac" };
function rbacObjects(options) {
  const subject = { kind: "ServiceAccount", name: options.serviceAccount, namespace: options.namespace };
  const out = [{ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: options.serviceAccount, namespace: options.namespace, labels: LABELS } }];
  for (const set of roleSets(options.namespace)) {
    const rules = rulesFor(set.calls);
    if (set.nonResource) rules.push({ nonResourceURLs: NON_RESOURCE_CALLS.map((c) => c.path), verbs: ["get"] });
    const ns = set.namespace ? { namespace: set.namespace } : {};
    out.push({ apiVersion: "rbac.authorization.k8s.io/v1", kind: set.kind, metadata: { name: set.name, ...ns, labels: LABELS }, rules });
    out.push({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: set.kind === "Role" ? "RoleBinding" : "ClusterRoleBinding",
      metadata: { name: set.kind === "ClusterRole" ? `${set.name}-${options.namespace}-${options.serviceAccount}` : set.name, ...ns, labels: LABELS },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: set.kind, name: set.name },
      subjects: [subject]
    });
  }
  return out;
}
function rbacYaml(options) {
  const header = [
    "# Least-privilege RBAC for the RudderVirt kubevirt engine, generated from",
    "# src/engines/kubevirt/api-calls.ts (ruddervirt render --rbac --namespace NS [--service-account SA]).",
    ...roleSets(options.namespace).map((s) => `#   ${s.name} (${s.kind}${s.namespace ? ` in ${s.namespace}` : ""}): ${s.purpose}`),
    "# Secrets are only created and deleted, never read. Bind the ServiceAccount (or your CI user) and",
    "# drop the network ClusterRole when no build declares network.vpcs."
  ].join("\n");
  return `${header}
${rbacObjects(options).map((o) => `---
${(0, import_yaml2.stringify)(o, { lineWidth: 0 })}`).join("")}`;
}

// src/cli/commands/render.ts
var usage6 = `Usage: ruddervirt render FILE [--engine kubevirt] [--namespace NS] [options]
       ruddervirt render --rbac [--namespace NS] [--service-account SA]

Prints every Kubernetes object the build creates on KubeVirt, as multi-document YAML in creation
order, each with a comment saying when it is created: the run's root ConfigMap (owner of the
rest), Kube-OVN VPCs, subnets and egress gateways, CDI DataVolumes, cdrom and HTTP-file Secrets,
the HTTP file-server pods, the VirtualMachines, and what keeps and exports each VM's disk. Needs
no cluster. Owner references are not printed: they need the root's uid, which exists only once
the root is created (a build fills them in). Every object carries the label
ruddervirt.io/run=RUN_ID, so a run applied by hand can be deleted by label.

Options:
  --engine kubevirt              the engine that has manifests (the default; 'local' has none)
  --namespace NS                 namespace of the objects (default "default")
  --run-id ID                    ends every name, 1-12 of a-z0-9 (default: a digest of the file and
                                 its variables, so an unchanged file renders the same names)
  --var NAME=VALUE               set a build variable (repeatable)
  --capture MODE                 how a finished disk is kept: clone (default), volume-snapshot,
                                 vm-snapshot
  --snapshot-class NAME          VolumeSnapshotClass (implies --capture volume-snapshot)
  --storage-class NAME           StorageClass of every disk (default: the cluster's default)
  --export-api v1|v1beta1        export.kubevirt.io version (v1 from KubeVirt 1.9; default v1)
  --egress-external-subnet NAME  Kube-OVN external subnet of egress gateways
                                 (default ovn-vpc-external-network)
  --http-server-image IMAGE      image of the HTTP file server (default docker.io/library/busybox:1.37)
  --iso-size SIZE                volume size for an installer ISO (default 10Gi)
  --redact                       print Secret values as REDACTED
  --rbac                         print the least-privilege RBAC (ServiceAccount, Roles, bindings)
  --service-account SA           the ServiceAccount the RBAC binds (default ruddervirt)
`;
function capturePlan(mode, snapshotClass) {
  const chosen = mode ?? (snapshotClass ? "volume-snapshot" : "clone");
  switch (chosen) {
    case "clone":
    case "vm-snapshot":
      if (snapshotClass) throw new UsageError(`--snapshot-class goes with --capture volume-snapshot, not ${chosen}`);
      return { mode: chosen };
    case "volume-snapshot":
      if (!snapshotClass) throw new UsageError("--capture volume-snapshot needs --snapshot-class NAME");
      return { mode: "volume-snapshot", snapshotClass };
    default:
      throw new UsageError(`--capture must be clone, volume-snapshot or vm-snapshot, got '${chosen}'`);
  }
}
var renderCommand = {
  name: "render",
  summary: "Print the Kubernetes manifests a build creates on KubeVirt (no cluster needed)",
  usage: usage6,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      engine: { type: "string" },
      namespace: { type: "string" },
      "run-id": { type: "string" },
      var: { type: "string", multiple: true },
      capture: { type: "string" },
      "snapshot-class": { type: "string" },
      "storage-class": { type: "string" },
      "export-api": { type: "string" },
      "egress-external-subnet": { type: "string" },
      "http-server-image": { type: "string" },
      "iso-size": { type: "string" },
      redact: { type: "boolean" },
      rbac: { type: "boolean" },
      "service-account": { type: "string" }
    });
    const namespace = values.namespace ?? "default";
    if (!isDnsLabel(namespace)) throw new UsageError(`--namespace '${namespace}' is not a namespace name (lower-case letters, digits and '-', at most 63)`);
    if (values.rbac) {
      if (positionals.length > 0) throw new UsageError("--rbac takes no build file");
      const serviceAccount = values["service-account"] ?? "ruddervirt";
      if (!isDnsLabel(serviceAccount)) throw new UsageError(`--service-account '${serviceAccount}' is not a ServiceAccount name`);
      io.stdout.write(rbacYaml({ namespace, serviceAccount }));
      return 0;
    }
    if (values["service-account"] !== void 0) throw new UsageError("--service-account goes with --rbac");
    const engine = values.engine ?? "kubevirt";
    if (engine === "local") throw new UsageError("the local engine runs QEMU directly and has no manifests; render is for --engine kubevirt");
    if (engine !== "kubevirt") throw new UsageError(`--engine must be kubevirt, got '${engine}'`);
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "missing the build FILE" : "render takes one build FILE");
    const exportApi = values["export-api"] ?? "v1";
    if (exportApi !== "v1" && exportApi !== "v1beta1") throw new UsageError(`--export-api must be v1 or v1beta1, got '${exportApi}'`);
    let isoVolumeBytes;
    if (values["iso-size"] !== void 0) {
      const size = parseQuantity(values["iso-size"]);
      if ("error" in size) throw new UsageError(`--iso-size: ${size.error}`);
      isoVolumeBytes = size.bytes;
    }
    const capture = capturePlan(values.capture, values["snapshot-class"]);
    const build = loadBuild(positionals[0], { vars: parseKeyValues(values.var, "--var"), env: io.env, cwd: io.cwd });
    const given = {
      runId: values["run-id"] ?? defaultRunId(readFileSync2(path10.resolve(io.cwd, positionals[0]), "utf8"), build.variables),
      namespace,
      capture,
      exportApiVersion: exportApi,
      ...values["storage-class"] !== void 0 ? { storageClass: values["storage-class"] } : {},
      ...values["egress-external-subnet"] !== void 0 ? { egressExternalSubnet: values["egress-external-subnet"] } : {},
      ...values["http-server-image"] !== void 0 ? { httpServerImage: values["http-server-image"] } : {},
      ...isoVolumeBytes !== void 0 ? { isoVolumeBytes } : {}
    };
    const rendered = renderBuild(build, collectLocalInputs(build), renderOptions(given));
    io.stdout.write(renderedToYaml(rendered, { redactSecrets: values.redact === true }));
    return 0;
  }
};

// src/core/config/json-schema.ts
function buildJsonSchema() {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "RudderVirt build file",
    ...toSchema(buildSpec)
  };
}
function jsonSchemaText() {
  return JSON.stringify(buildJsonSchema(), null, 2) + "\n";
}
function annotations(spec) {
  const out = { description: spec.description + (spec.defaultText ? ` Default: ${spec.defaultText}.` : "") };
  if (spec.default !== void 0) out.default = spec.default;
  return out;
}
function toSchema(spec) {
  switch (spec.type) {
    case "string":
      return { ...annotations(spec), ...stringSchema(spec) };
    case "integer": {
      const s = { ...annotations(spec), type: "integer" };
      if (spec.minimum !== void 0) s.minimum = spec.minimum;
      if (spec.maximum !== void 0) s.maximum = spec.maximum;
      return s;
    }
    case "boolean":
      return { ...annotations(spec), type: "boolean" };
    case "scalar":
      return { ...annotations(spec), anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }] };
    case "array": {
      const s = { ...annotations(spec), type: "array", items: toSchema(spec.items) };
      if (spec.minItems !== void 0) s.minItems = spec.minItems;
      return s;
    }
    case "map":
      return {
        ...annotations(spec),
        type: "object",
        propertyNames: { pattern: anchored(FORMATS[spec.keyFormat].pattern) },
        additionalProperties: toSchema(spec.values)
      };
    case "union":
      return { ...annotations(spec), anyOf: spec.options.map(toSchema) };
    case "object":
      return { ...annotations(spec), ...objectSchema(spec) };
    case "tagged": {
      const tags = Object.keys(spec.variants);
      return {
        ...annotations(spec),
        type: "object",
        required: [spec.tag],
        properties: { [spec.tag]: { enum: tags } },
        allOf: Object.entries(spec.variants).map(([tag, variant]) => ({
          if: { properties: { [spec.tag]: { const: tag } }, required: [spec.tag] },
          then: objectSchema(variant)
        }))
      };
    }
  }
}
function stringSchema(spec) {
  if (spec.enum) return { type: "string", enum: [...spec.enum] };
  if (!spec.format) return { type: "string" };
  const pattern = anchored(FORMATS[spec.format].pattern);
  return { type: "string", pattern: spec.template ? `${pattern}|\\{\\{` : pattern };
}
function anchored(pattern) {
  return `^(?:${pattern})$`;
}
function objectSchema(spec) {
  const s = {
    type: "object",
    properties: Object.fromEntries(Object.entries(spec.properties).map(([k, v]) => [k, toSchema(v)])),
    additionalProperties: false
  };
  if (spec.title) s.title = spec.title;
  if (spec.required?.length) s.required = [...spec.required];
  const allOf = [];
  if (spec.exactlyOne) allOf.push({ oneOf: spec.exactlyOne.map((k) => ({ required: [k] })) });
  if (spec.anyOf) allOf.push({ anyOf: spec.anyOf.map((k) => ({ required: [k] })) });
  for (const [a, b] of spec.exclusive ?? []) allOf.push({ not: { required: [a, b] } });
  if (allOf.length) s.allOf = allOf;
  if (spec.requires) s.dependencies = Object.fromEntries(Object.entries(spec.requires).map(([k, v]) => [k, [...v]]));
  return s;
}

// src/cli/commands/schema.ts
var schemaCommand = {
  name: "schema",
  summary: "Print the build file's JSON Schema",
  usage: `Usage: ruddervirt schema

Prints the JSON Schema (draft-07) of build files. Editors with YAML support use it for completion
and inline errors; point them at it with a first line such as
  # yaml-language-server: $schema=../schema/build.schema.json
The schema checks each field on its own; 'ruddervirt validate' also checks the rules between
fields (a NIC's subnet exists, 'from' names an earlier layer, files exist).
`,
  async run(args, io) {
    if (args.length > 0) throw new UsageError(`unexpected argument '${args[0]}'`);
    io.stdout.write(jsonSchemaText());
    return 0;
  }
};

// src/cli/commands/screen-text.ts
var import_pngjs = __toESM(require_png(), 1);
import { readFile as readFile3 } from "node:fs/promises";
import path11 from "node:path";
var usage7 = `Usage: ruddervirt screen-text [--match REGEX] FILE.png...

Prints the text OCR reads on each screenshot, as a build reads the VM's screen for
<wait 'TEXT'> (the same engine, offline). With --match, also says whether REGEX would match
(case ignored, quotes and spacing evened out as in a build) and exits 1 when it does not.

Examples:
  ruddervirt screen-text logs/web/bootcommand-01.png
  ruddervirt screen-text --match 'boot:' logs/web/failure.png
`;
function parseArguments2(args) {
  const files = [];
  let pattern;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") return "help";
    if (arg === "--match") {
      pattern = args[++i];
      if (pattern === void 0 || pattern === "") throw new UsageError("--match needs a regular expression");
      try {
        new RegExp(pattern);
      } catch (err) {
        throw new UsageError(`--match ${JSON.stringify(pattern)}: ${err.message}`);
      }
    } else if (arg.startsWith("--")) throw new UsageError(`unknown option '${arg}'`);
    else files.push(arg);
  }
  if (files.length === 0) throw new UsageError("expected at least one FILE.png");
  return pattern === void 0 ? { files } : { files, pattern };
}
var screenTextCommand = {
  name: "screen-text",
  summary: "Show the text OCR reads on a screenshot (for <wait 'TEXT'>)",
  usage: usage7,
  async run(args, io) {
    const parsed = parseArguments2(args);
    if (parsed === "help") {
      io.stdout.write(usage7);
      return 0;
    }
    const reader = await ScreenReader.open();
    let missed = false;
    try {
      for (const file of parsed.files) {
        let png;
        try {
          png = import_pngjs.PNG.sync.read(await readFile3(path11.resolve(io.cwd, file)));
        } catch (err) {
          throw new UserError(`${file}: not a readable PNG (${err.message})`);
        }
        const { text, ms } = await reader.read({ width: png.width, height: png.height, rgba: png.data });
        if (parsed.files.length > 1) io.stdout.write(`== ${file} (${png.width}x${png.height}, read in ${Math.round(ms)} ms)
`);
        io.stdout.write(text + "\n");
        if (parsed.pattern !== void 0) {
          const matches = screenTextMatches(parsed.pattern, text);
          missed ||= !matches;
          io.stdout.write(`-- /${parsed.pattern}/ ${matches ? "matches" : "does not match"}
`);
        }
      }
    } finally {
      reader.close();
      await closeSharedOcr();
    }
    return missed ? 1 : 0;
  }
};

// src/cli/commands/validate.ts
function parseBuildFileArgs(args) {
  const files = [];
  const vars = {};
  let optionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (optionsDone || !arg.startsWith("-") || arg === "-") {
      files.push(arg);
      continue;
    }
    if (arg === "--") {
      optionsDone = true;
      continue;
    }
    let assignment;
    if (arg === "--var" || arg === "-var") {
      assignment = args[++i];
      if (assignment === void 0) throw new UsageError(`${arg} needs NAME=VALUE`);
    } else if (arg.startsWith("--var=") || arg.startsWith("-var=")) {
      assignment = arg.slice(arg.indexOf("=") + 1);
    } else {
      throw new UsageError(`unknown option '${arg}'`);
    }
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new UsageError(`--var expects NAME=VALUE, got '${assignment}'`);
    vars[assignment.slice(0, eq)] = assignment.slice(eq + 1);
  }
  return { files, vars };
}
var validateCommand = {
  name: "validate",
  summary: "Check build files and show every problem with its line and column",
  usage: `Usage: ruddervirt validate FILE... [--var NAME=VALUE]...

Checks each build file completely: YAML syntax, keys and value types, formats (durations, sizes,
checksums, names), templates, references between fields (subnets, from, dependsOn) and that the
local files it names exist. Prints "FILE: ok" for a valid file and every problem of an invalid one
as FILE:LINE:COL: field.path: message. Exits 1 when any file has a problem. Warnings (a cdrom bus
the source's kernel cannot see) are printed the same way, as "warning: \u2026", and do not fail.

Options:
  --var NAME=VALUE   Set a variable declared under 'variables' (repeatable)
`,
  async run(args, io) {
    const { files, vars } = parseBuildFileArgs(args);
    if (files.length === 0) throw new UsageError("expected at least one build file");
    let bad = 0;
    for (const file of files) {
      try {
        const build = loadBuild(file, { vars, env: io.env, cwd: io.cwd });
        for (const w of build.warnings ?? []) io.stderr.write(`${formatProblem({ ...w, message: `warning: ${w.message}` })}
`);
        io.stdout.write(`${file}: ok${build.warnings?.length ? ` (${build.warnings.length} warning${build.warnings.length === 1 ? "" : "s"})` : ""}
`);
      } catch (err) {
        if (!(err instanceof BuildFileError)) throw err;
        bad++;
        for (const p of err.problems) io.stderr.write(formatProblem(p) + "\n");
        io.stderr.write(`${file}: ${err.problems.length} problem${err.problems.length === 1 ? "" : "s"}
`);
      }
    }
    return bad > 0 ? 1 : 0;
  }
};

// src/cli/commands.ts
var commands = [buildCommand, validateCommand, bootCommandCommand, screenTextCommand, renderCommand, importPackerCommand, publishCommand, pruneCommand, cleanupCommand, schemaCommand];

// src/cli/run.ts
var VERSION = package_default.version;
function printable(message) {
  return message.split("\n").map(escapeControls).join("\n");
}
function overview(commands2) {
  const width = Math.max(...commands2.map((c) => c.name.length));
  return [
    "Usage: ruddervirt <command> [options]",
    "",
    "Build virtual-machine images the way Packer does, on KubeVirt or locally with QEMU.",
    "",
    "Commands:",
    ...commands2.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run 'ruddervirt <command> --help' for a command's options.",
    ""
  ].join("\n");
}
async function runCli(argv, commands2, io) {
  const [name, ...rest] = argv;
  if (name === void 0 || name === "--help" || name === "-h" || name === "help") {
    const target = name === "help" ? commands2.find((c) => c.name === rest[0]) : void 0;
    io.stdout.write(target ? target.usage.trimEnd() + "\n" : overview(commands2));
    return name === void 0 ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout.write(`ruddervirt ${VERSION}
`);
    return 0;
  }
  const command = commands2.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`ruddervirt: unknown command '${escapeControls(name)}'. Run 'ruddervirt --help' for the list.
`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(command.usage.trimEnd() + "\n");
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`ruddervirt ${command.name}: ${printable(err.message)}
Run 'ruddervirt ${command.name} --help' for usage.
`);
      return 2;
    }
    if (err instanceof UserError) {
      io.stderr.write(`ruddervirt ${command.name}: ${printable(err.message)}
`);
      return err.exitCode;
    }
    if (io.signal.aborted) {
      io.stderr.write(`ruddervirt ${command.name}: cancelled
`);
      return 130;
    }
    io.stderr.write(`ruddervirt ${command.name}: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}
`);
    return 1;
  }
}

// src/cli/main.ts
async function main() {
  process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, os2.availableParallelism()));
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig) => {
    signals++;
    if (signals === 1) {
      process.stderr.write(`
ruddervirt: ${sig} received, stopping and cleaning up (send again to force exit)
`);
      controller.abort(new Error(`cancelled by ${sig}`));
    } else {
      process.stderr.write(`ruddervirt: second ${sig}, exiting without waiting for cleanup
`);
      process.exit(130);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const code = await runCli(process.argv.slice(2), commands, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal
  });
  process.exitCode = controller.signal.aborted && code !== 0 ? 130 : code;
}
export {
  main
};
