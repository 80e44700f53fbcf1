import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  buildSpdx,
  sbomBeside
} from "./chunk-ZEOXAAFA.js";
import {
  checksumLine,
  sha256OfFile
} from "./chunk-ZLWIX3WT.js";
import {
  package_default
} from "./chunk-RTG4RYVJ.js";
import {
  CleanupStack,
  peerEnvironment
} from "./chunk-DTNLR76P.js";
import {
  require_http
} from "./chunk-2AERMIAP.js";
import {
  describeTextWait,
  planBootCommand,
  resolveKeyInterval
} from "./chunk-73YVM7AR.js";
import {
  TemplateError,
  formatGoDurationNanos,
  outputFileName,
  renderTemplate
} from "./chunk-PFWN22NF.js";
import {
  NotRegularFileError,
  openRegularFile
} from "./chunk-PXB3LWWR.js";
import {
  CancelledError,
  abortReason,
  sleep
} from "./chunk-BHXEFIUH.js";
import {
  formatGoDuration,
  timerDelay
} from "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-U4LSYZ75.js";

// node_modules/pngjs/lib/chunkstream.js
var require_chunkstream = __commonJS({
  "node_modules/pngjs/lib/chunkstream.js"(exports, module) {
    "use strict";
    var util = __require("util");
    var Stream = __require("stream");
    var ChunkStream = module.exports = function() {
      Stream.call(this);
      this._buffers = [];
      this._buffered = 0;
      this._reads = [];
      this._paused = false;
      this._encoding = "utf8";
      this.writable = true;
    };
    util.inherits(ChunkStream, Stream);
    ChunkStream.prototype.read = function(length, callback) {
      this._reads.push({
        length: Math.abs(length),
        // if length < 0 then at most this length
        allowLess: length < 0,
        func: callback
      });
      process.nextTick(
        function() {
          this._process();
          if (this._paused && this._reads && this._reads.length > 0) {
            this._paused = false;
            this.emit("drain");
          }
        }.bind(this)
      );
    };
    ChunkStream.prototype.write = function(data, encoding) {
      if (!this.writable) {
        this.emit("error", new Error("Stream not writable"));
        return false;
      }
      let dataBuffer;
      if (Buffer.isBuffer(data)) {
        dataBuffer = data;
      } else {
        dataBuffer = Buffer.from(data, encoding || this._encoding);
      }
      this._buffers.push(dataBuffer);
      this._buffered += dataBuffer.length;
      this._process();
      if (this._reads && this._reads.length === 0) {
        this._paused = true;
      }
      return this.writable && !this._paused;
    };
    ChunkStream.prototype.end = function(data, encoding) {
      if (data) {
        this.write(data, encoding);
      }
      this.writable = false;
      if (!this._buffers) {
        return;
      }
      if (this._buffers.length === 0) {
        this._end();
      } else {
        this._buffers.push(null);
        this._process();
      }
    };
    ChunkStream.prototype.destroySoon = ChunkStream.prototype.end;
    ChunkStream.prototype._end = function() {
      if (this._reads.length > 0) {
        this.emit("error", new Error("Unexpected end of input"));
      }
      this.destroy();
    };
    ChunkStream.prototype.destroy = function() {
      if (!this._buffers) {
        return;
      }
      this.writable = false;
      this._reads = null;
      this._buffers = null;
      this.emit("close");
    };
    ChunkStream.prototype._processReadAllowingLess = function(read) {
      this._reads.shift();
      let smallerBuf = this._buffers[0];
      if (smallerBuf.length > read.length) {
        this._buffered -= read.length;
        this._buffers[0] = smallerBuf.slice(read.length);
        read.func.call(this, smallerBuf.slice(0, read.length));
      } else {
        this._buffered -= smallerBuf.length;
        this._buffers.shift();
        read.func.call(this, smallerBuf);
      }
    };
    ChunkStream.prototype._processRead = function(read) {
      this._reads.shift();
      let pos = 0;
      let count = 0;
      let data = Buffer.alloc(read.length);
      while (pos < read.length) {
        let buf = this._buffers[count++];
        let len = Math.min(buf.length, read.length - pos);
        buf.copy(data, pos, 0, len);
        pos += len;
        if (len !== buf.length) {
          this._buffers[--count] = buf.slice(len);
        }
      }
      if (count > 0) {
        this._buffers.splice(0, count);
      }
      this._buffered -= read.length;
      read.func.call(this, data);
    };
    ChunkStream.prototype._process = function() {
      try {
        while (this._buffered > 0 && this._reads && this._reads.length > 0) {
          let read = this._reads[0];
          if (read.allowLess) {
            this._processReadAllowingLess(read);
          } else if (this._buffered >= read.length) {
            this._processRead(read);
          } else {
            break;
          }
        }
        if (this._buffers && !this.writable) {
          this._end();
        }
      } catch (ex) {
        this.emit("error", ex);
      }
    };
  }
});

// node_modules/pngjs/lib/interlace.js
var require_interlace = __commonJS({
  "node_modules/pngjs/lib/interlace.js"(exports) {
    "use strict";
    var imagePasses = [
      {
        // pass 1 - 1px
        x: [0],
        y: [0]
      },
      {
        // pass 2 - 1px
        x: [4],
        y: [0]
      },
      {
        // pass 3 - 2px
        x: [0, 4],
        y: [4]
      },
      {
        // pass 4 - 4px
        x: [2, 6],
        y: [0, 4]
      },
      {
        // pass 5 - 8px
        x: [0, 2, 4, 6],
        y: [2, 6]
      },
      {
        // pass 6 - 16px
        x: [1, 3, 5, 7],
        y: [0, 2, 4, 6]
      },
      {
        // pass 7 - 32px
        x: [0, 1, 2, 3, 4, 5, 6, 7],
        y: [1, 3, 5, 7]
      }
    ];
    exports.getImagePasses = function(width, height) {
      let images = [];
      let xLeftOver = width % 8;
      let yLeftOver = height % 8;
      let xRepeats = (width - xLeftOver) / 8;
      let yRepeats = (height - yLeftOver) / 8;
      for (let i = 0; i < imagePasses.length; i++) {
        let pass = imagePasses[i];
        let passWidth = xRepeats * pass.x.length;
        let passHeight = yRepeats * pass.y.length;
        for (let j = 0; j < pass.x.length; j++) {
          if (pass.x[j] < xLeftOver) {
            passWidth++;
          } else {
            break;
          }
        }
        for (let j = 0; j < pass.y.length; j++) {
          if (pass.y[j] < yLeftOver) {
            passHeight++;
          } else {
            break;
          }
        }
        if (passWidth > 0 && passHeight > 0) {
          images.push({ width: passWidth, height: passHeight, index: i });
        }
      }
      return images;
    };
    exports.getInterlaceIterator = function(width) {
      return function(x, y, pass) {
        let outerXLeftOver = x % imagePasses[pass].x.length;
        let outerX = (x - outerXLeftOver) / imagePasses[pass].x.length * 8 + imagePasses[pass].x[outerXLeftOver];
        let outerYLeftOver = y % imagePasses[pass].y.length;
        let outerY = (y - outerYLeftOver) / imagePasses[pass].y.length * 8 + imagePasses[pass].y[outerYLeftOver];
        return outerX * 4 + outerY * width * 4;
      };
    };
  }
});

// node_modules/pngjs/lib/paeth-predictor.js
var require_paeth_predictor = __commonJS({
  "node_modules/pngjs/lib/paeth-predictor.js"(exports, module) {
    "use strict";
    module.exports = function paethPredictor(left, above, upLeft) {
      let paeth = left + above - upLeft;
      let pLeft = Math.abs(paeth - left);
      let pAbove = Math.abs(paeth - above);
      let pUpLeft = Math.abs(paeth - upLeft);
      if (pLeft <= pAbove && pLeft <= pUpLeft) {
        return left;
      }
      if (pAbove <= pUpLeft) {
        return above;
      }
      return upLeft;
    };
  }
});

// node_modules/pngjs/lib/filter-parse.js
var require_filter_parse = __commonJS({
  "node_modules/pngjs/lib/filter-parse.js"(exports, module) {
    "use strict";
    var interlaceUtils = require_interlace();
    var paethPredictor = require_paeth_predictor();
    function getByteWidth(width, bpp, depth) {
      let byteWidth = width * bpp;
      if (depth !== 8) {
        byteWidth = Math.ceil(byteWidth / (8 / depth));
      }
      return byteWidth;
    }
    var Filter = module.exports = function(bitmapInfo, dependencies) {
      let width = bitmapInfo.width;
      let height = bitmapInfo.height;
      let interlace = bitmapInfo.interlace;
      let bpp = bitmapInfo.bpp;
      let depth = bitmapInfo.depth;
      this.read = dependencies.read;
      this.write = dependencies.write;
      this.complete = dependencies.complete;
      this._imageIndex = 0;
      this._images = [];
      if (interlace) {
        let passes = interlaceUtils.getImagePasses(width, height);
        for (let i = 0; i < passes.length; i++) {
          this._images.push({
            byteWidth: getByteWidth(passes[i].width, bpp, depth),
            height: passes[i].height,
            lineIndex: 0
          });
        }
      } else {
        this._images.push({
          byteWidth: getByteWidth(width, bpp, depth),
          height,
          lineIndex: 0
        });
      }
      if (depth === 8) {
        this._xComparison = bpp;
      } else if (depth === 16) {
        this._xComparison = bpp * 2;
      } else {
        this._xComparison = 1;
      }
    };
    Filter.prototype.start = function() {
      this.read(
        this._images[this._imageIndex].byteWidth + 1,
        this._reverseFilterLine.bind(this)
      );
    };
    Filter.prototype._unFilterType1 = function(rawData, unfilteredLine, byteWidth) {
      let xComparison = this._xComparison;
      let xBiggerThan = xComparison - 1;
      for (let x = 0; x < byteWidth; x++) {
        let rawByte = rawData[1 + x];
        let f1Left = x > xBiggerThan ? unfilteredLine[x - xComparison] : 0;
        unfilteredLine[x] = rawByte + f1Left;
      }
    };
    Filter.prototype._unFilterType2 = function(rawData, unfilteredLine, byteWidth) {
      let lastLine = this._lastLine;
      for (let x = 0; x < byteWidth; x++) {
        let rawByte = rawData[1 + x];
        let f2Up = lastLine ? lastLine[x] : 0;
        unfilteredLine[x] = rawByte + f2Up;
      }
    };
    Filter.prototype._unFilterType3 = function(rawData, unfilteredLine, byteWidth) {
      let xComparison = this._xComparison;
      let xBiggerThan = xComparison - 1;
      let lastLine = this._lastLine;
      for (let x = 0; x < byteWidth; x++) {
        let rawByte = rawData[1 + x];
        let f3Up = lastLine ? lastLine[x] : 0;
        let f3Left = x > xBiggerThan ? unfilteredLine[x - xComparison] : 0;
        let f3Add = Math.floor((f3Left + f3Up) / 2);
        unfilteredLine[x] = rawByte + f3Add;
      }
    };
    Filter.prototype._unFilterType4 = function(rawData, unfilteredLine, byteWidth) {
      let xComparison = this._xComparison;
      let xBiggerThan = xComparison - 1;
      let lastLine = this._lastLine;
      for (let x = 0; x < byteWidth; x++) {
        let rawByte = rawData[1 + x];
        let f4Up = lastLine ? lastLine[x] : 0;
        let f4Left = x > xBiggerThan ? unfilteredLine[x - xComparison] : 0;
        let f4UpLeft = x > xBiggerThan && lastLine ? lastLine[x - xComparison] : 0;
        let f4Add = paethPredictor(f4Left, f4Up, f4UpLeft);
        unfilteredLine[x] = rawByte + f4Add;
      }
    };
    Filter.prototype._reverseFilterLine = function(rawData) {
      let filter = rawData[0];
      let unfilteredLine;
      let currentImage = this._images[this._imageIndex];
      let byteWidth = currentImage.byteWidth;
      if (filter === 0) {
        unfilteredLine = rawData.slice(1, byteWidth + 1);
      } else {
        unfilteredLine = Buffer.alloc(byteWidth);
        switch (filter) {
          case 1:
            this._unFilterType1(rawData, unfilteredLine, byteWidth);
            break;
          case 2:
            this._unFilterType2(rawData, unfilteredLine, byteWidth);
            break;
          case 3:
            this._unFilterType3(rawData, unfilteredLine, byteWidth);
            break;
          case 4:
            this._unFilterType4(rawData, unfilteredLine, byteWidth);
            break;
          default:
            throw new Error("Unrecognised filter type - " + filter);
        }
      }
      this.write(unfilteredLine);
      currentImage.lineIndex++;
      if (currentImage.lineIndex >= currentImage.height) {
        this._lastLine = null;
        this._imageIndex++;
        currentImage = this._images[this._imageIndex];
      } else {
        this._lastLine = unfilteredLine;
      }
      if (currentImage) {
        this.read(currentImage.byteWidth + 1, this._reverseFilterLine.bind(this));
      } else {
        this._lastLine = null;
        this.complete();
      }
    };
  }
});

// node_modules/pngjs/lib/filter-parse-async.js
var require_filter_parse_async = __commonJS({
  "node_modules/pngjs/lib/filter-parse-async.js"(exports, module) {
    "use strict";
    var util = __require("util");
    var ChunkStream = require_chunkstream();
    var Filter = require_filter_parse();
    var FilterAsync = module.exports = function(bitmapInfo) {
      ChunkStream.call(this);
      let buffers = [];
      let that = this;
      this._filter = new Filter(bitmapInfo, {
        read: this.read.bind(this),
        write: function(buffer) {
          buffers.push(buffer);
        },
        complete: function() {
          that.emit("complete", Buffer.concat(buffers));
        }
      });
      this._filter.start();
    };
    util.inherits(FilterAsync, ChunkStream);
  }
});

// node_modules/pngjs/lib/constants.js
var require_constants = __commonJS({
  "node_modules/pngjs/lib/constants.js"(exports, module) {
    "use strict";
    module.exports = {
      PNG_SIGNATURE: [137, 80, 78, 71, 13, 10, 26, 10],
      TYPE_IHDR: 1229472850,
      TYPE_IEND: 1229278788,
      TYPE_IDAT: 1229209940,
      TYPE_PLTE: 1347179589,
      TYPE_tRNS: 1951551059,
      // eslint-disable-line camelcase
      TYPE_gAMA: 1732332865,
      // eslint-disable-line camelcase
      // color-type bits
      COLORTYPE_GRAYSCALE: 0,
      COLORTYPE_PALETTE: 1,
      COLORTYPE_COLOR: 2,
      COLORTYPE_ALPHA: 4,
      // e.g. grayscale and alpha
      // color-type combinations
      COLORTYPE_PALETTE_COLOR: 3,
      COLORTYPE_COLOR_ALPHA: 6,
      COLORTYPE_TO_BPP_MAP: {
        0: 1,
        2: 3,
        3: 1,
        4: 2,
        6: 4
      },
      GAMMA_DIVISION: 1e5
    };
  }
});

// node_modules/pngjs/lib/crc.js
var require_crc = __commonJS({
  "node_modules/pngjs/lib/crc.js"(exports, module) {
    "use strict";
    var crcTable = [];
    (function() {
      for (let i = 0; i < 256; i++) {
        let currentCrc = i;
        for (let j = 0; j < 8; j++) {
          if (currentCrc & 1) {
            currentCrc = 3988292384 ^ currentCrc >>> 1;
          } else {
            currentCrc = currentCrc >>> 1;
          }
        }
        crcTable[i] = currentCrc;
      }
    })();
    var CrcCalculator = module.exports = function() {
      this._crc = -1;
    };
    CrcCalculator.prototype.write = function(data) {
      for (let i = 0; i < data.length; i++) {
        this._crc = crcTable[(this._crc ^ data[i]) & 255] ^ this._crc >>> 8;
      }
      return true;
    };
    CrcCalculator.prototype.crc32 = function() {
      return this._crc ^ -1;
    };
    CrcCalculator.crc32 = function(buf) {
      let crc = -1;
      for (let i = 0; i < buf.length; i++) {
        crc = crcTable[(crc ^ buf[i]) & 255] ^ crc >>> 8;
      }
      return crc ^ -1;
    };
  }
});

// node_modules/pngjs/lib/parser.js
var require_parser = __commonJS({
  "node_modules/pngjs/lib/parser.js"(exports, module) {
    "use strict";
    var constants = require_constants();
    var CrcCalculator = require_crc();
    var Parser = module.exports = function(options, dependencies) {
      this._options = options;
      options.checkCRC = options.checkCRC !== false;
      this._hasIHDR = false;
      this._hasIEND = false;
      this._emittedHeadersFinished = false;
      this._palette = [];
      this._colorType = 0;
      this._chunks = {};
      this._chunks[constants.TYPE_IHDR] = this._handleIHDR.bind(this);
      this._chunks[constants.TYPE_IEND] = this._handleIEND.bind(this);
      this._chunks[constants.TYPE_IDAT] = this._handleIDAT.bind(this);
      this._chunks[constants.TYPE_PLTE] = this._handlePLTE.bind(this);
      this._chunks[constants.TYPE_tRNS] = this._handleTRNS.bind(this);
      this._chunks[constants.TYPE_gAMA] = this._handleGAMA.bind(this);
      this.read = dependencies.read;
      this.error = dependencies.error;
      this.metadata = dependencies.metadata;
      this.gamma = dependencies.gamma;
      this.transColor = dependencies.transColor;
      this.palette = dependencies.palette;
      this.parsed = dependencies.parsed;
      this.inflateData = dependencies.inflateData;
      this.finished = dependencies.finished;
      this.simpleTransparency = dependencies.simpleTransparency;
      this.headersFinished = dependencies.headersFinished || function() {
      };
    };
    Parser.prototype.start = function() {
      this.read(constants.PNG_SIGNATURE.length, this._parseSignature.bind(this));
    };
    Parser.prototype._parseSignature = function(data) {
      let signature = constants.PNG_SIGNATURE;
      for (let i = 0; i < signature.length; i++) {
        if (data[i] !== signature[i]) {
          this.error(new Error("Invalid file signature"));
          return;
        }
      }
      this.read(8, this._parseChunkBegin.bind(this));
    };
    Parser.prototype._parseChunkBegin = function(data) {
      let length = data.readUInt32BE(0);
      let type = data.readUInt32BE(4);
      let name = "";
      for (let i = 4; i < 8; i++) {
        name += String.fromCharCode(data[i]);
      }
      let ancillary = Boolean(data[4] & 32);
      if (!this._hasIHDR && type !== constants.TYPE_IHDR) {
        this.error(new Error("Expected IHDR on beggining"));
        return;
      }
      this._crc = new CrcCalculator();
      this._crc.write(Buffer.from(name));
      if (this._chunks[type]) {
        return this._chunks[type](length);
      }
      if (!ancillary) {
        this.error(new Error("Unsupported critical chunk type " + name));
        return;
      }
      this.read(length + 4, this._skipChunk.bind(this));
    };
    Parser.prototype._skipChunk = function() {
      this.read(8, this._parseChunkBegin.bind(this));
    };
    Parser.prototype._handleChunkEnd = function() {
      this.read(4, this._parseChunkEnd.bind(this));
    };
    Parser.prototype._parseChunkEnd = function(data) {
      let fileCrc = data.readInt32BE(0);
      let calcCrc = this._crc.crc32();
      if (this._options.checkCRC && calcCrc !== fileCrc) {
        this.error(new Error("Crc error - " + fileCrc + " - " + calcCrc));
        return;
      }
      if (!this._hasIEND) {
        this.read(8, this._parseChunkBegin.bind(this));
      }
    };
    Parser.prototype._handleIHDR = function(length) {
      this.read(length, this._parseIHDR.bind(this));
    };
    Parser.prototype._parseIHDR = function(data) {
      this._crc.write(data);
      let width = data.readUInt32BE(0);
      let height = data.readUInt32BE(4);
      let depth = data[8];
      let colorType = data[9];
      let compr = data[10];
      let filter = data[11];
      let interlace = data[12];
      if (depth !== 8 && depth !== 4 && depth !== 2 && depth !== 1 && depth !== 16) {
        this.error(new Error("Unsupported bit depth " + depth));
        return;
      }
      if (!(colorType in constants.COLORTYPE_TO_BPP_MAP)) {
        this.error(new Error("Unsupported color type"));
        return;
      }
      if (compr !== 0) {
        this.error(new Error("Unsupported compression method"));
        return;
      }
      if (filter !== 0) {
        this.error(new Error("Unsupported filter method"));
        return;
      }
      if (interlace !== 0 && interlace !== 1) {
        this.error(new Error("Unsupported interlace method"));
        return;
      }
      this._colorType = colorType;
      let bpp = constants.COLORTYPE_TO_BPP_MAP[this._colorType];
      this._hasIHDR = true;
      this.metadata({
        width,
        height,
        depth,
        interlace: Boolean(interlace),
        palette: Boolean(colorType & constants.COLORTYPE_PALETTE),
        color: Boolean(colorType & constants.COLORTYPE_COLOR),
        alpha: Boolean(colorType & constants.COLORTYPE_ALPHA),
        bpp,
        colorType
      });
      this._handleChunkEnd();
    };
    Parser.prototype._handlePLTE = function(length) {
      this.read(length, this._parsePLTE.bind(this));
    };
    Parser.prototype._parsePLTE = function(data) {
      this._crc.write(data);
      let entries = Math.floor(data.length / 3);
      for (let i = 0; i < entries; i++) {
        this._palette.push([data[i * 3], data[i * 3 + 1], data[i * 3 + 2], 255]);
      }
      this.palette(this._palette);
      this._handleChunkEnd();
    };
    Parser.prototype._handleTRNS = function(length) {
      this.simpleTransparency();
      this.read(length, this._parseTRNS.bind(this));
    };
    Parser.prototype._parseTRNS = function(data) {
      this._crc.write(data);
      if (this._colorType === constants.COLORTYPE_PALETTE_COLOR) {
        if (this._palette.length === 0) {
          this.error(new Error("Transparency chunk must be after palette"));
          return;
        }
        if (data.length > this._palette.length) {
          this.error(new Error("More transparent colors than palette size"));
          return;
        }
        for (let i = 0; i < data.length; i++) {
          this._palette[i][3] = data[i];
        }
        this.palette(this._palette);
      }
      if (this._colorType === constants.COLORTYPE_GRAYSCALE) {
        this.transColor([data.readUInt16BE(0)]);
      }
      if (this._colorType === constants.COLORTYPE_COLOR) {
        this.transColor([
          data.readUInt16BE(0),
          data.readUInt16BE(2),
          data.readUInt16BE(4)
        ]);
      }
      this._handleChunkEnd();
    };
    Parser.prototype._handleGAMA = function(length) {
      this.read(length, this._parseGAMA.bind(this));
    };
    Parser.prototype._parseGAMA = function(data) {
      this._crc.write(data);
      this.gamma(data.readUInt32BE(0) / constants.GAMMA_DIVISION);
      this._handleChunkEnd();
    };
    Parser.prototype._handleIDAT = function(length) {
      if (!this._emittedHeadersFinished) {
        this._emittedHeadersFinished = true;
        this.headersFinished();
      }
      this.read(-length, this._parseIDAT.bind(this, length));
    };
    Parser.prototype._parseIDAT = function(length, data) {
      this._crc.write(data);
      if (this._colorType === constants.COLORTYPE_PALETTE_COLOR && this._palette.length === 0) {
        throw new Error("Expected palette not found");
      }
      this.inflateData(data);
      let leftOverLength = length - data.length;
      if (leftOverLength > 0) {
        this._handleIDAT(leftOverLength);
      } else {
        this._handleChunkEnd();
      }
    };
    Parser.prototype._handleIEND = function(length) {
      this.read(length, this._parseIEND.bind(this));
    };
    Parser.prototype._parseIEND = function(data) {
      this._crc.write(data);
      this._hasIEND = true;
      this._handleChunkEnd();
      if (this.finished) {
        this.finished();
      }
    };
  }
});

// node_modules/pngjs/lib/bitmapper.js
var require_bitmapper = __commonJS({
  "node_modules/pngjs/lib/bitmapper.js"(exports) {
    "use strict";
    var interlaceUtils = require_interlace();
    var pixelBppMapper = [
      // 0 - dummy entry
      function() {
      },
      // 1 - L
      // 0: 0, 1: 0, 2: 0, 3: 0xff
      function(pxData, data, pxPos, rawPos) {
        if (rawPos === data.length) {
          throw new Error("Ran out of data");
        }
        let pixel = data[rawPos];
        pxData[pxPos] = pixel;
        pxData[pxPos + 1] = pixel;
        pxData[pxPos + 2] = pixel;
        pxData[pxPos + 3] = 255;
      },
      // 2 - LA
      // 0: 0, 1: 0, 2: 0, 3: 1
      function(pxData, data, pxPos, rawPos) {
        if (rawPos + 1 >= data.length) {
          throw new Error("Ran out of data");
        }
        let pixel = data[rawPos];
        pxData[pxPos] = pixel;
        pxData[pxPos + 1] = pixel;
        pxData[pxPos + 2] = pixel;
        pxData[pxPos + 3] = data[rawPos + 1];
      },
      // 3 - RGB
      // 0: 0, 1: 1, 2: 2, 3: 0xff
      function(pxData, data, pxPos, rawPos) {
        if (rawPos + 2 >= data.length) {
          throw new Error("Ran out of data");
        }
        pxData[pxPos] = data[rawPos];
        pxData[pxPos + 1] = data[rawPos + 1];
        pxData[pxPos + 2] = data[rawPos + 2];
        pxData[pxPos + 3] = 255;
      },
      // 4 - RGBA
      // 0: 0, 1: 1, 2: 2, 3: 3
      function(pxData, data, pxPos, rawPos) {
        if (rawPos + 3 >= data.length) {
          throw new Error("Ran out of data");
        }
        pxData[pxPos] = data[rawPos];
        pxData[pxPos + 1] = data[rawPos + 1];
        pxData[pxPos + 2] = data[rawPos + 2];
        pxData[pxPos + 3] = data[rawPos + 3];
      }
    ];
    var pixelBppCustomMapper = [
      // 0 - dummy entry
      function() {
      },
      // 1 - L
      // 0: 0, 1: 0, 2: 0, 3: 0xff
      function(pxData, pixelData, pxPos, maxBit) {
        let pixel = pixelData[0];
        pxData[pxPos] = pixel;
        pxData[pxPos + 1] = pixel;
        pxData[pxPos + 2] = pixel;
        pxData[pxPos + 3] = maxBit;
      },
      // 2 - LA
      // 0: 0, 1: 0, 2: 0, 3: 1
      function(pxData, pixelData, pxPos) {
        let pixel = pixelData[0];
        pxData[pxPos] = pixel;
        pxData[pxPos + 1] = pixel;
        pxData[pxPos + 2] = pixel;
        pxData[pxPos + 3] = pixelData[1];
      },
      // 3 - RGB
      // 0: 0, 1: 1, 2: 2, 3: 0xff
      function(pxData, pixelData, pxPos, maxBit) {
        pxData[pxPos] = pixelData[0];
        pxData[pxPos + 1] = pixelData[1];
        pxData[pxPos + 2] = pixelData[2];
        pxData[pxPos + 3] = maxBit;
      },
      // 4 - RGBA
      // 0: 0, 1: 1, 2: 2, 3: 3
      function(pxData, pixelData, pxPos) {
        pxData[pxPos] = pixelData[0];
        pxData[pxPos + 1] = pixelData[1];
        pxData[pxPos + 2] = pixelData[2];
        pxData[pxPos + 3] = pixelData[3];
      }
    ];
    function bitRetriever(data, depth) {
      let leftOver = [];
      let i = 0;
      function split() {
        if (i === data.length) {
          throw new Error("Ran out of data");
        }
        let byte = data[i];
        i++;
        let byte8, byte7, byte6, byte5, byte4, byte3, byte2, byte1;
        switch (depth) {
          default:
            throw new Error("unrecognised depth");
          case 16:
            byte2 = data[i];
            i++;
            leftOver.push((byte << 8) + byte2);
            break;
          case 4:
            byte2 = byte & 15;
            byte1 = byte >> 4;
            leftOver.push(byte1, byte2);
            break;
          case 2:
            byte4 = byte & 3;
            byte3 = byte >> 2 & 3;
            byte2 = byte >> 4 & 3;
            byte1 = byte >> 6 & 3;
            leftOver.push(byte1, byte2, byte3, byte4);
            break;
          case 1:
            byte8 = byte & 1;
            byte7 = byte >> 1 & 1;
            byte6 = byte >> 2 & 1;
            byte5 = byte >> 3 & 1;
            byte4 = byte >> 4 & 1;
            byte3 = byte >> 5 & 1;
            byte2 = byte >> 6 & 1;
            byte1 = byte >> 7 & 1;
            leftOver.push(byte1, byte2, byte3, byte4, byte5, byte6, byte7, byte8);
            break;
        }
      }
      return {
        get: function(count) {
          while (leftOver.length < count) {
            split();
          }
          let returner = leftOver.slice(0, count);
          leftOver = leftOver.slice(count);
          return returner;
        },
        resetAfterLine: function() {
          leftOver.length = 0;
        },
        end: function() {
          if (i !== data.length) {
            throw new Error("extra data found");
          }
        }
      };
    }
    function mapImage8Bit(image, pxData, getPxPos, bpp, data, rawPos) {
      let imageWidth = image.width;
      let imageHeight = image.height;
      let imagePass = image.index;
      for (let y = 0; y < imageHeight; y++) {
        for (let x = 0; x < imageWidth; x++) {
          let pxPos = getPxPos(x, y, imagePass);
          pixelBppMapper[bpp](pxData, data, pxPos, rawPos);
          rawPos += bpp;
        }
      }
      return rawPos;
    }
    function mapImageCustomBit(image, pxData, getPxPos, bpp, bits, maxBit) {
      let imageWidth = image.width;
      let imageHeight = image.height;
      let imagePass = image.index;
      for (let y = 0; y < imageHeight; y++) {
        for (let x = 0; x < imageWidth; x++) {
          let pixelData = bits.get(bpp);
          let pxPos = getPxPos(x, y, imagePass);
          pixelBppCustomMapper[bpp](pxData, pixelData, pxPos, maxBit);
        }
        bits.resetAfterLine();
      }
    }
    exports.dataToBitMap = function(data, bitmapInfo) {
      let width = bitmapInfo.width;
      let height = bitmapInfo.height;
      let depth = bitmapInfo.depth;
      let bpp = bitmapInfo.bpp;
      let interlace = bitmapInfo.interlace;
      let bits;
      if (depth !== 8) {
        bits = bitRetriever(data, depth);
      }
      let pxData;
      if (depth <= 8) {
        pxData = Buffer.alloc(width * height * 4);
      } else {
        pxData = new Uint16Array(width * height * 4);
      }
      let maxBit = Math.pow(2, depth) - 1;
      let rawPos = 0;
      let images;
      let getPxPos;
      if (interlace) {
        images = interlaceUtils.getImagePasses(width, height);
        getPxPos = interlaceUtils.getInterlaceIterator(width, height);
      } else {
        let nonInterlacedPxPos = 0;
        getPxPos = function() {
          let returner = nonInterlacedPxPos;
          nonInterlacedPxPos += 4;
          return returner;
        };
        images = [{ width, height }];
      }
      for (let imageIndex = 0; imageIndex < images.length; imageIndex++) {
        if (depth === 8) {
          rawPos = mapImage8Bit(
            images[imageIndex],
            pxData,
            getPxPos,
            bpp,
            data,
            rawPos
          );
        } else {
          mapImageCustomBit(
            images[imageIndex],
            pxData,
            getPxPos,
            bpp,
            bits,
            maxBit
          );
        }
      }
      if (depth === 8) {
        if (rawPos !== data.length) {
          throw new Error("extra data found");
        }
      } else {
        bits.end();
      }
      return pxData;
    };
  }
});

// node_modules/pngjs/lib/format-normaliser.js
var require_format_normaliser = __commonJS({
  "node_modules/pngjs/lib/format-normaliser.js"(exports, module) {
    "use strict";
    function dePalette(indata, outdata, width, height, palette) {
      let pxPos = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          let color = palette[indata[pxPos]];
          if (!color) {
            throw new Error("index " + indata[pxPos] + " not in palette");
          }
          for (let i = 0; i < 4; i++) {
            outdata[pxPos + i] = color[i];
          }
          pxPos += 4;
        }
      }
    }
    function replaceTransparentColor(indata, outdata, width, height, transColor) {
      let pxPos = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          let makeTrans = false;
          if (transColor.length === 1) {
            if (transColor[0] === indata[pxPos]) {
              makeTrans = true;
            }
          } else if (transColor[0] === indata[pxPos] && transColor[1] === indata[pxPos + 1] && transColor[2] === indata[pxPos + 2]) {
            makeTrans = true;
          }
          if (makeTrans) {
            for (let i = 0; i < 4; i++) {
              outdata[pxPos + i] = 0;
            }
          }
          pxPos += 4;
        }
      }
    }
    function scaleDepth(indata, outdata, width, height, depth) {
      let maxOutSample = 255;
      let maxInSample = Math.pow(2, depth) - 1;
      let pxPos = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          for (let i = 0; i < 4; i++) {
            outdata[pxPos + i] = Math.floor(
              indata[pxPos + i] * maxOutSample / maxInSample + 0.5
            );
          }
          pxPos += 4;
        }
      }
    }
    module.exports = function(indata, imageData, skipRescale = false) {
      let depth = imageData.depth;
      let width = imageData.width;
      let height = imageData.height;
      let colorType = imageData.colorType;
      let transColor = imageData.transColor;
      let palette = imageData.palette;
      let outdata = indata;
      if (colorType === 3) {
        dePalette(indata, outdata, width, height, palette);
      } else {
        if (transColor) {
          replaceTransparentColor(indata, outdata, width, height, transColor);
        }
        if (depth !== 8 && !skipRescale) {
          if (depth === 16) {
            outdata = Buffer.alloc(width * height * 4);
          }
          scaleDepth(indata, outdata, width, height, depth);
        }
      }
      return outdata;
    };
  }
});

// node_modules/pngjs/lib/parser-async.js
var require_parser_async = __commonJS({
  "node_modules/pngjs/lib/parser-async.js"(exports, module) {
    "use strict";
    var util = __require("util");
    var zlib = __require("zlib");
    var ChunkStream = require_chunkstream();
    var FilterAsync = require_filter_parse_async();
    var Parser = require_parser();
    var bitmapper = require_bitmapper();
    var formatNormaliser = require_format_normaliser();
    var ParserAsync = module.exports = function(options) {
      ChunkStream.call(this);
      this._parser = new Parser(options, {
        read: this.read.bind(this),
        error: this._handleError.bind(this),
        metadata: this._handleMetaData.bind(this),
        gamma: this.emit.bind(this, "gamma"),
        palette: this._handlePalette.bind(this),
        transColor: this._handleTransColor.bind(this),
        finished: this._finished.bind(this),
        inflateData: this._inflateData.bind(this),
        simpleTransparency: this._simpleTransparency.bind(this),
        headersFinished: this._headersFinished.bind(this)
      });
      this._options = options;
      this.writable = true;
      this._parser.start();
    };
    util.inherits(ParserAsync, ChunkStream);
    ParserAsync.prototype._handleError = function(err) {
      this.emit("error", err);
      this.writable = false;
      this.destroy();
      if (this._inflate && this._inflate.destroy) {
        this._inflate.destroy();
      }
      if (this._filter) {
        this._filter.destroy();
        this._filter.on("error", function() {
        });
      }
      this.errord = true;
    };
    ParserAsync.prototype._inflateData = function(data) {
      if (!this._inflate) {
        if (this._bitmapInfo.interlace) {
          this._inflate = zlib.createInflate();
          this._inflate.on("error", this.emit.bind(this, "error"));
          this._filter.on("complete", this._complete.bind(this));
          this._inflate.pipe(this._filter);
        } else {
          let rowSize = (this._bitmapInfo.width * this._bitmapInfo.bpp * this._bitmapInfo.depth + 7 >> 3) + 1;
          let imageSize = rowSize * this._bitmapInfo.height;
          let chunkSize = Math.max(imageSize, zlib.Z_MIN_CHUNK);
          this._inflate = zlib.createInflate({ chunkSize });
          let leftToInflate = imageSize;
          let emitError = this.emit.bind(this, "error");
          this._inflate.on("error", function(err) {
            if (!leftToInflate) {
              return;
            }
            emitError(err);
          });
          this._filter.on("complete", this._complete.bind(this));
          let filterWrite = this._filter.write.bind(this._filter);
          this._inflate.on("data", function(chunk) {
            if (!leftToInflate) {
              return;
            }
            if (chunk.length > leftToInflate) {
              chunk = chunk.slice(0, leftToInflate);
            }
            leftToInflate -= chunk.length;
            filterWrite(chunk);
          });
          this._inflate.on("end", this._filter.end.bind(this._filter));
        }
      }
      this._inflate.write(data);
    };
    ParserAsync.prototype._handleMetaData = function(metaData) {
      this._metaData = metaData;
      this._bitmapInfo = Object.create(metaData);
      this._filter = new FilterAsync(this._bitmapInfo);
    };
    ParserAsync.prototype._handleTransColor = function(transColor) {
      this._bitmapInfo.transColor = transColor;
    };
    ParserAsync.prototype._handlePalette = function(palette) {
      this._bitmapInfo.palette = palette;
    };
    ParserAsync.prototype._simpleTransparency = function() {
      this._metaData.alpha = true;
    };
    ParserAsync.prototype._headersFinished = function() {
      this.emit("metadata", this._metaData);
    };
    ParserAsync.prototype._finished = function() {
      if (this.errord) {
        return;
      }
      if (!this._inflate) {
        this.emit("error", "No Inflate block");
      } else {
        this._inflate.end();
      }
    };
    ParserAsync.prototype._complete = function(filteredData) {
      if (this.errord) {
        return;
      }
      let normalisedBitmapData;
      try {
        let bitmapData = bitmapper.dataToBitMap(filteredData, this._bitmapInfo);
        normalisedBitmapData = formatNormaliser(
          bitmapData,
          this._bitmapInfo,
          this._options.skipRescale
        );
        bitmapData = null;
      } catch (ex) {
        this._handleError(ex);
        return;
      }
      this.emit("parsed", normalisedBitmapData);
    };
  }
});

// node_modules/pngjs/lib/bitpacker.js
var require_bitpacker = __commonJS({
  "node_modules/pngjs/lib/bitpacker.js"(exports, module) {
    "use strict";
    var constants = require_constants();
    module.exports = function(dataIn, width, height, options) {
      let outHasAlpha = [constants.COLORTYPE_COLOR_ALPHA, constants.COLORTYPE_ALPHA].indexOf(
        options.colorType
      ) !== -1;
      if (options.colorType === options.inputColorType) {
        let bigEndian = (function() {
          let buffer = new ArrayBuffer(2);
          new DataView(buffer).setInt16(
            0,
            256,
            true
            /* littleEndian */
          );
          return new Int16Array(buffer)[0] !== 256;
        })();
        if (options.bitDepth === 8 || options.bitDepth === 16 && bigEndian) {
          return dataIn;
        }
      }
      let data = options.bitDepth !== 16 ? dataIn : new Uint16Array(dataIn.buffer);
      let maxValue = 255;
      let inBpp = constants.COLORTYPE_TO_BPP_MAP[options.inputColorType];
      if (inBpp === 4 && !options.inputHasAlpha) {
        inBpp = 3;
      }
      let outBpp = constants.COLORTYPE_TO_BPP_MAP[options.colorType];
      if (options.bitDepth === 16) {
        maxValue = 65535;
        outBpp *= 2;
      }
      let outData = Buffer.alloc(width * height * outBpp);
      let inIndex = 0;
      let outIndex = 0;
      let bgColor = options.bgColor || {};
      if (bgColor.red === void 0) {
        bgColor.red = maxValue;
      }
      if (bgColor.green === void 0) {
        bgColor.green = maxValue;
      }
      if (bgColor.blue === void 0) {
        bgColor.blue = maxValue;
      }
      function getRGBA() {
        let red;
        let green;
        let blue;
        let alpha = maxValue;
        switch (options.inputColorType) {
          case constants.COLORTYPE_COLOR_ALPHA:
            alpha = data[inIndex + 3];
            red = data[inIndex];
            green = data[inIndex + 1];
            blue = data[inIndex + 2];
            break;
          case constants.COLORTYPE_COLOR:
            red = data[inIndex];
            green = data[inIndex + 1];
            blue = data[inIndex + 2];
            break;
          case constants.COLORTYPE_ALPHA:
            alpha = data[inIndex + 1];
            red = data[inIndex];
            green = red;
            blue = red;
            break;
          case constants.COLORTYPE_GRAYSCALE:
            red = data[inIndex];
            green = red;
            blue = red;
            break;
          default:
            throw new Error(
              "input color type:" + options.inputColorType + " is not supported at present"
            );
        }
        if (options.inputHasAlpha) {
          if (!outHasAlpha) {
            alpha /= maxValue;
            red = Math.min(
              Math.max(Math.round((1 - alpha) * bgColor.red + alpha * red), 0),
              maxValue
            );
            green = Math.min(
              Math.max(Math.round((1 - alpha) * bgColor.green + alpha * green), 0),
              maxValue
            );
            blue = Math.min(
              Math.max(Math.round((1 - alpha) * bgColor.blue + alpha * blue), 0),
              maxValue
            );
          }
        }
        return { red, green, blue, alpha };
      }
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          let rgba = getRGBA(data, inIndex);
          switch (options.colorType) {
            case constants.COLORTYPE_COLOR_ALPHA:
            case constants.COLORTYPE_COLOR:
              if (options.bitDepth === 8) {
                outData[outIndex] = rgba.red;
                outData[outIndex + 1] = rgba.green;
                outData[outIndex + 2] = rgba.blue;
                if (outHasAlpha) {
                  outData[outIndex + 3] = rgba.alpha;
                }
              } else {
                outData.writeUInt16BE(rgba.red, outIndex);
                outData.writeUInt16BE(rgba.green, outIndex + 2);
                outData.writeUInt16BE(rgba.blue, outIndex + 4);
                if (outHasAlpha) {
                  outData.writeUInt16BE(rgba.alpha, outIndex + 6);
                }
              }
              break;
            case constants.COLORTYPE_ALPHA:
            case constants.COLORTYPE_GRAYSCALE: {
              let grayscale = (rgba.red + rgba.green + rgba.blue) / 3;
              if (options.bitDepth === 8) {
                outData[outIndex] = grayscale;
                if (outHasAlpha) {
                  outData[outIndex + 1] = rgba.alpha;
                }
              } else {
                outData.writeUInt16BE(grayscale, outIndex);
                if (outHasAlpha) {
                  outData.writeUInt16BE(rgba.alpha, outIndex + 2);
                }
              }
              break;
            }
            default:
              throw new Error("unrecognised color Type " + options.colorType);
          }
          inIndex += inBpp;
          outIndex += outBpp;
        }
      }
      return outData;
    };
  }
});

// node_modules/pngjs/lib/filter-pack.js
var require_filter_pack = __commonJS({
  "node_modules/pngjs/lib/filter-pack.js"(exports, module) {
    "use strict";
    var paethPredictor = require_paeth_predictor();
    function filterNone(pxData, pxPos, byteWidth, rawData, rawPos) {
      for (let x = 0; x < byteWidth; x++) {
        rawData[rawPos + x] = pxData[pxPos + x];
      }
    }
    function filterSumNone(pxData, pxPos, byteWidth) {
      let sum = 0;
      let length = pxPos + byteWidth;
      for (let i = pxPos; i < length; i++) {
        sum += Math.abs(pxData[i]);
      }
      return sum;
    }
    function filterSub(pxData, pxPos, byteWidth, rawData, rawPos, bpp) {
      for (let x = 0; x < byteWidth; x++) {
        let left = x >= bpp ? pxData[pxPos + x - bpp] : 0;
        let val = pxData[pxPos + x] - left;
        rawData[rawPos + x] = val;
      }
    }
    function filterSumSub(pxData, pxPos, byteWidth, bpp) {
      let sum = 0;
      for (let x = 0; x < byteWidth; x++) {
        let left = x >= bpp ? pxData[pxPos + x - bpp] : 0;
        let val = pxData[pxPos + x] - left;
        sum += Math.abs(val);
      }
      return sum;
    }
    function filterUp(pxData, pxPos, byteWidth, rawData, rawPos) {
      for (let x = 0; x < byteWidth; x++) {
        let up = pxPos > 0 ? pxData[pxPos + x - byteWidth] : 0;
        let val = pxData[pxPos + x] - up;
        rawData[rawPos + x] = val;
      }
    }
    function filterSumUp(pxData, pxPos, byteWidth) {
      let sum = 0;
      let length = pxPos + byteWidth;
      for (let x = pxPos; x < length; x++) {
        let up = pxPos > 0 ? pxData[x - byteWidth] : 0;
        let val = pxData[x] - up;
        sum += Math.abs(val);
      }
      return sum;
    }
    function filterAvg(pxData, pxPos, byteWidth, rawData, rawPos, bpp) {
      for (let x = 0; x < byteWidth; x++) {
        let left = x >= bpp ? pxData[pxPos + x - bpp] : 0;
        let up = pxPos > 0 ? pxData[pxPos + x - byteWidth] : 0;
        let val = pxData[pxPos + x] - (left + up >> 1);
        rawData[rawPos + x] = val;
      }
    }
    function filterSumAvg(pxData, pxPos, byteWidth, bpp) {
      let sum = 0;
      for (let x = 0; x < byteWidth; x++) {
        let left = x >= bpp ? pxData[pxPos + x - bpp] : 0;
        let up = pxPos > 0 ? pxData[pxPos + x - byteWidth] : 0;
        let val = pxData[pxPos + x] - (left + up >> 1);
        sum += Math.abs(val);
      }
      return sum;
    }
    function filterPaeth(pxData, pxPos, byteWidth, rawData, rawPos, bpp) {
      for (let x = 0; x < byteWidth; x++) {
        let left = x >= bpp ? pxData[pxPos + x - bpp] : 0;
        let up = pxPos > 0 ? pxData[pxPos + x - byteWidth] : 0;
        let upleft = pxPos > 0 && x >= bpp ? pxData[pxPos + x - (byteWidth + bpp)] : 0;
        let val = pxData[pxPos + x] - paethPredictor(left, up, upleft);
        rawData[rawPos + x] = val;
      }
    }
    function filterSumPaeth(pxData, pxPos, byteWidth, bpp) {
      let sum = 0;
      for (let x = 0; x < byteWidth; x++) {
        let left = x >= bpp ? pxData[pxPos + x - bpp] : 0;
        let up = pxPos > 0 ? pxData[pxPos + x - byteWidth] : 0;
        let upleft = pxPos > 0 && x >= bpp ? pxData[pxPos + x - (byteWidth + bpp)] : 0;
        let val = pxData[pxPos + x] - paethPredictor(left, up, upleft);
        sum += Math.abs(val);
      }
      return sum;
    }
    var filters = {
      0: filterNone,
      1: filterSub,
      2: filterUp,
      3: filterAvg,
      4: filterPaeth
    };
    var filterSums = {
      0: filterSumNone,
      1: filterSumSub,
      2: filterSumUp,
      3: filterSumAvg,
      4: filterSumPaeth
    };
    module.exports = function(pxData, width, height, options, bpp) {
      let filterTypes;
      if (!("filterType" in options) || options.filterType === -1) {
        filterTypes = [0, 1, 2, 3, 4];
      } else if (typeof options.filterType === "number") {
        filterTypes = [options.filterType];
      } else {
        throw new Error("unrecognised filter types");
      }
      if (options.bitDepth === 16) {
        bpp *= 2;
      }
      let byteWidth = width * bpp;
      let rawPos = 0;
      let pxPos = 0;
      let rawData = Buffer.alloc((byteWidth + 1) * height);
      let sel = filterTypes[0];
      for (let y = 0; y < height; y++) {
        if (filterTypes.length > 1) {
          let min = Infinity;
          for (let i = 0; i < filterTypes.length; i++) {
            let sum = filterSums[filterTypes[i]](pxData, pxPos, byteWidth, bpp);
            if (sum < min) {
              sel = filterTypes[i];
              min = sum;
            }
          }
        }
        rawData[rawPos] = sel;
        rawPos++;
        filters[sel](pxData, pxPos, byteWidth, rawData, rawPos, bpp);
        rawPos += byteWidth;
        pxPos += byteWidth;
      }
      return rawData;
    };
  }
});

// node_modules/pngjs/lib/packer.js
var require_packer = __commonJS({
  "node_modules/pngjs/lib/packer.js"(exports, module) {
    "use strict";
    var constants = require_constants();
    var CrcStream = require_crc();
    var bitPacker = require_bitpacker();
    var filter = require_filter_pack();
    var zlib = __require("zlib");
    var Packer = module.exports = function(options) {
      this._options = options;
      options.deflateChunkSize = options.deflateChunkSize || 32 * 1024;
      options.deflateLevel = options.deflateLevel != null ? options.deflateLevel : 9;
      options.deflateStrategy = options.deflateStrategy != null ? options.deflateStrategy : 3;
      options.inputHasAlpha = options.inputHasAlpha != null ? options.inputHasAlpha : true;
      options.deflateFactory = options.deflateFactory || zlib.createDeflate;
      options.bitDepth = options.bitDepth || 8;
      options.colorType = typeof options.colorType === "number" ? options.colorType : constants.COLORTYPE_COLOR_ALPHA;
      options.inputColorType = typeof options.inputColorType === "number" ? options.inputColorType : constants.COLORTYPE_COLOR_ALPHA;
      if ([
        constants.COLORTYPE_GRAYSCALE,
        constants.COLORTYPE_COLOR,
        constants.COLORTYPE_COLOR_ALPHA,
        constants.COLORTYPE_ALPHA
      ].indexOf(options.colorType) === -1) {
        throw new Error(
          "option color type:" + options.colorType + " is not supported at present"
        );
      }
      if ([
        constants.COLORTYPE_GRAYSCALE,
        constants.COLORTYPE_COLOR,
        constants.COLORTYPE_COLOR_ALPHA,
        constants.COLORTYPE_ALPHA
      ].indexOf(options.inputColorType) === -1) {
        throw new Error(
          "option input color type:" + options.inputColorType + " is not supported at present"
        );
      }
      if (options.bitDepth !== 8 && options.bitDepth !== 16) {
        throw new Error(
          "option bit depth:" + options.bitDepth + " is not supported at present"
        );
      }
    };
    Packer.prototype.getDeflateOptions = function() {
      return {
        chunkSize: this._options.deflateChunkSize,
        level: this._options.deflateLevel,
        strategy: this._options.deflateStrategy
      };
    };
    Packer.prototype.createDeflate = function() {
      return this._options.deflateFactory(this.getDeflateOptions());
    };
    Packer.prototype.filterData = function(data, width, height) {
      let packedData = bitPacker(data, width, height, this._options);
      let bpp = constants.COLORTYPE_TO_BPP_MAP[this._options.colorType];
      let filteredData = filter(packedData, width, height, this._options, bpp);
      return filteredData;
    };
    Packer.prototype._packChunk = function(type, data) {
      let len = data ? data.length : 0;
      let buf = Buffer.alloc(len + 12);
      buf.writeUInt32BE(len, 0);
      buf.writeUInt32BE(type, 4);
      if (data) {
        data.copy(buf, 8);
      }
      buf.writeInt32BE(
        CrcStream.crc32(buf.slice(4, buf.length - 4)),
        buf.length - 4
      );
      return buf;
    };
    Packer.prototype.packGAMA = function(gamma) {
      let buf = Buffer.alloc(4);
      buf.writeUInt32BE(Math.floor(gamma * constants.GAMMA_DIVISION), 0);
      return this._packChunk(constants.TYPE_gAMA, buf);
    };
    Packer.prototype.packIHDR = function(width, height) {
      let buf = Buffer.alloc(13);
      buf.writeUInt32BE(width, 0);
      buf.writeUInt32BE(height, 4);
      buf[8] = this._options.bitDepth;
      buf[9] = this._options.colorType;
      buf[10] = 0;
      buf[11] = 0;
      buf[12] = 0;
      return this._packChunk(constants.TYPE_IHDR, buf);
    };
    Packer.prototype.packIDAT = function(data) {
      return this._packChunk(constants.TYPE_IDAT, data);
    };
    Packer.prototype.packIEND = function() {
      return this._packChunk(constants.TYPE_IEND, null);
    };
  }
});

// node_modules/pngjs/lib/packer-async.js
var require_packer_async = __commonJS({
  "node_modules/pngjs/lib/packer-async.js"(exports, module) {
    "use strict";
    var util = __require("util");
    var Stream = __require("stream");
    var constants = require_constants();
    var Packer = require_packer();
    var PackerAsync = module.exports = function(opt) {
      Stream.call(this);
      let options = opt || {};
      this._packer = new Packer(options);
      this._deflate = this._packer.createDeflate();
      this.readable = true;
    };
    util.inherits(PackerAsync, Stream);
    PackerAsync.prototype.pack = function(data, width, height, gamma) {
      this.emit("data", Buffer.from(constants.PNG_SIGNATURE));
      this.emit("data", this._packer.packIHDR(width, height));
      if (gamma) {
        this.emit("data", this._packer.packGAMA(gamma));
      }
      let filteredData = this._packer.filterData(data, width, height);
      this._deflate.on("error", this.emit.bind(this, "error"));
      this._deflate.on(
        "data",
        function(compressedData) {
          this.emit("data", this._packer.packIDAT(compressedData));
        }.bind(this)
      );
      this._deflate.on(
        "end",
        function() {
          this.emit("data", this._packer.packIEND());
          this.emit("end");
        }.bind(this)
      );
      this._deflate.end(filteredData);
    };
  }
});

// node_modules/pngjs/lib/sync-inflate.js
var require_sync_inflate = __commonJS({
  "node_modules/pngjs/lib/sync-inflate.js"(exports, module) {
    "use strict";
    var assert = __require("assert").ok;
    var zlib = __require("zlib");
    var util = __require("util");
    var kMaxLength = __require("buffer").kMaxLength;
    function Inflate(opts) {
      if (!(this instanceof Inflate)) {
        return new Inflate(opts);
      }
      if (opts && opts.chunkSize < zlib.Z_MIN_CHUNK) {
        opts.chunkSize = zlib.Z_MIN_CHUNK;
      }
      zlib.Inflate.call(this, opts);
      this._offset = this._offset === void 0 ? this._outOffset : this._offset;
      this._buffer = this._buffer || this._outBuffer;
      if (opts && opts.maxLength != null) {
        this._maxLength = opts.maxLength;
      }
    }
    function createInflate(opts) {
      return new Inflate(opts);
    }
    function _close(engine, callback) {
      if (callback) {
        process.nextTick(callback);
      }
      if (!engine._handle) {
        return;
      }
      engine._handle.close();
      engine._handle = null;
    }
    Inflate.prototype._processChunk = function(chunk, flushFlag, asyncCb) {
      if (typeof asyncCb === "function") {
        return zlib.Inflate._processChunk.call(this, chunk, flushFlag, asyncCb);
      }
      let self = this;
      let availInBefore = chunk && chunk.length;
      let availOutBefore = this._chunkSize - this._offset;
      let leftToInflate = this._maxLength;
      let inOff = 0;
      let buffers = [];
      let nread = 0;
      let error;
      this.on("error", function(err) {
        error = err;
      });
      function handleChunk(availInAfter, availOutAfter) {
        if (self._hadError) {
          return;
        }
        let have = availOutBefore - availOutAfter;
        assert(have >= 0, "have should not go down");
        if (have > 0) {
          let out = self._buffer.slice(self._offset, self._offset + have);
          self._offset += have;
          if (out.length > leftToInflate) {
            out = out.slice(0, leftToInflate);
          }
          buffers.push(out);
          nread += out.length;
          leftToInflate -= out.length;
          if (leftToInflate === 0) {
            return false;
          }
        }
        if (availOutAfter === 0 || self._offset >= self._chunkSize) {
          availOutBefore = self._chunkSize;
          self._offset = 0;
          self._buffer = Buffer.allocUnsafe(self._chunkSize);
        }
        if (availOutAfter === 0) {
          inOff += availInBefore - availInAfter;
          availInBefore = availInAfter;
          return true;
        }
        return false;
      }
      assert(this._handle, "zlib binding closed");
      let res;
      do {
        res = this._handle.writeSync(
          flushFlag,
          chunk,
          // in
          inOff,
          // in_off
          availInBefore,
          // in_len
          this._buffer,
          // out
          this._offset,
          //out_off
          availOutBefore
        );
        res = res || this._writeState;
      } while (!this._hadError && handleChunk(res[0], res[1]));
      if (this._hadError) {
        throw error;
      }
      if (nread >= kMaxLength) {
        _close(this);
        throw new RangeError(
          "Cannot create final Buffer. It would be larger than 0x" + kMaxLength.toString(16) + " bytes"
        );
      }
      let buf = Buffer.concat(buffers, nread);
      _close(this);
      return buf;
    };
    util.inherits(Inflate, zlib.Inflate);
    function zlibBufferSync(engine, buffer) {
      if (typeof buffer === "string") {
        buffer = Buffer.from(buffer);
      }
      if (!(buffer instanceof Buffer)) {
        throw new TypeError("Not a string or buffer");
      }
      let flushFlag = engine._finishFlushFlag;
      if (flushFlag == null) {
        flushFlag = zlib.Z_FINISH;
      }
      return engine._processChunk(buffer, flushFlag);
    }
    function inflateSync(buffer, opts) {
      return zlibBufferSync(new Inflate(opts), buffer);
    }
    module.exports = exports = inflateSync;
    exports.Inflate = Inflate;
    exports.createInflate = createInflate;
    exports.inflateSync = inflateSync;
  }
});

// node_modules/pngjs/lib/sync-reader.js
var require_sync_reader = __commonJS({
  "node_modules/pngjs/lib/sync-reader.js"(exports, module) {
    "use strict";
    var SyncReader = module.exports = function(buffer) {
      this._buffer = buffer;
      this._reads = [];
    };
    SyncReader.prototype.read = function(length, callback) {
      this._reads.push({
        length: Math.abs(length),
        // if length < 0 then at most this length
        allowLess: length < 0,
        func: callback
      });
    };
    SyncReader.prototype.process = function() {
      while (this._reads.length > 0 && this._buffer.length) {
        let read = this._reads[0];
        if (this._buffer.length && (this._buffer.length >= read.length || read.allowLess)) {
          this._reads.shift();
          let buf = this._buffer;
          this._buffer = buf.slice(read.length);
          read.func.call(this, buf.slice(0, read.length));
        } else {
          break;
        }
      }
      if (this._reads.length > 0) {
        throw new Error("There are some read requests waitng on finished stream");
      }
      if (this._buffer.length > 0) {
        throw new Error("unrecognised content at end of stream");
      }
    };
  }
});

// node_modules/pngjs/lib/filter-parse-sync.js
var require_filter_parse_sync = __commonJS({
  "node_modules/pngjs/lib/filter-parse-sync.js"(exports) {
    "use strict";
    var SyncReader = require_sync_reader();
    var Filter = require_filter_parse();
    exports.process = function(inBuffer, bitmapInfo) {
      let outBuffers = [];
      let reader = new SyncReader(inBuffer);
      let filter = new Filter(bitmapInfo, {
        read: reader.read.bind(reader),
        write: function(bufferPart) {
          outBuffers.push(bufferPart);
        },
        complete: function() {
        }
      });
      filter.start();
      reader.process();
      return Buffer.concat(outBuffers);
    };
  }
});

// node_modules/pngjs/lib/parser-sync.js
var require_parser_sync = __commonJS({
  "node_modules/pngjs/lib/parser-sync.js"(exports, module) {
    "use strict";
    var hasSyncZlib = true;
    var zlib = __require("zlib");
    var inflateSync = require_sync_inflate();
    if (!zlib.deflateSync) {
      hasSyncZlib = false;
    }
    var SyncReader = require_sync_reader();
    var FilterSync = require_filter_parse_sync();
    var Parser = require_parser();
    var bitmapper = require_bitmapper();
    var formatNormaliser = require_format_normaliser();
    module.exports = function(buffer, options) {
      if (!hasSyncZlib) {
        throw new Error(
          "To use the sync capability of this library in old node versions, please pin pngjs to v2.3.0"
        );
      }
      let err;
      function handleError(_err_) {
        err = _err_;
      }
      let metaData;
      function handleMetaData(_metaData_) {
        metaData = _metaData_;
      }
      function handleTransColor(transColor) {
        metaData.transColor = transColor;
      }
      function handlePalette(palette) {
        metaData.palette = palette;
      }
      function handleSimpleTransparency() {
        metaData.alpha = true;
      }
      let gamma;
      function handleGamma(_gamma_) {
        gamma = _gamma_;
      }
      let inflateDataList = [];
      function handleInflateData(inflatedData2) {
        inflateDataList.push(inflatedData2);
      }
      let reader = new SyncReader(buffer);
      let parser = new Parser(options, {
        read: reader.read.bind(reader),
        error: handleError,
        metadata: handleMetaData,
        gamma: handleGamma,
        palette: handlePalette,
        transColor: handleTransColor,
        inflateData: handleInflateData,
        simpleTransparency: handleSimpleTransparency
      });
      parser.start();
      reader.process();
      if (err) {
        throw err;
      }
      let inflateData = Buffer.concat(inflateDataList);
      inflateDataList.length = 0;
      let inflatedData;
      if (metaData.interlace) {
        inflatedData = zlib.inflateSync(inflateData);
      } else {
        let rowSize = (metaData.width * metaData.bpp * metaData.depth + 7 >> 3) + 1;
        let imageSize = rowSize * metaData.height;
        inflatedData = inflateSync(inflateData, {
          chunkSize: imageSize,
          maxLength: imageSize
        });
      }
      inflateData = null;
      if (!inflatedData || !inflatedData.length) {
        throw new Error("bad png - invalid inflate data response");
      }
      let unfilteredData = FilterSync.process(inflatedData, metaData);
      inflateData = null;
      let bitmapData = bitmapper.dataToBitMap(unfilteredData, metaData);
      unfilteredData = null;
      let normalisedBitmapData = formatNormaliser(
        bitmapData,
        metaData,
        options.skipRescale
      );
      metaData.data = normalisedBitmapData;
      metaData.gamma = gamma || 0;
      return metaData;
    };
  }
});

// node_modules/pngjs/lib/packer-sync.js
var require_packer_sync = __commonJS({
  "node_modules/pngjs/lib/packer-sync.js"(exports, module) {
    "use strict";
    var hasSyncZlib = true;
    var zlib = __require("zlib");
    if (!zlib.deflateSync) {
      hasSyncZlib = false;
    }
    var constants = require_constants();
    var Packer = require_packer();
    module.exports = function(metaData, opt) {
      if (!hasSyncZlib) {
        throw new Error(
          "To use the sync capability of this library in old node versions, please pin pngjs to v2.3.0"
        );
      }
      let options = opt || {};
      let packer = new Packer(options);
      let chunks = [];
      chunks.push(Buffer.from(constants.PNG_SIGNATURE));
      chunks.push(packer.packIHDR(metaData.width, metaData.height));
      if (metaData.gamma) {
        chunks.push(packer.packGAMA(metaData.gamma));
      }
      let filteredData = packer.filterData(
        metaData.data,
        metaData.width,
        metaData.height
      );
      let compressedData = zlib.deflateSync(
        filteredData,
        packer.getDeflateOptions()
      );
      filteredData = null;
      if (!compressedData || !compressedData.length) {
        throw new Error("bad png - invalid compressed data response");
      }
      chunks.push(packer.packIDAT(compressedData));
      chunks.push(packer.packIEND());
      return Buffer.concat(chunks);
    };
  }
});

// node_modules/pngjs/lib/png-sync.js
var require_png_sync = __commonJS({
  "node_modules/pngjs/lib/png-sync.js"(exports) {
    "use strict";
    var parse = require_parser_sync();
    var pack = require_packer_sync();
    exports.read = function(buffer, options) {
      return parse(buffer, options || {});
    };
    exports.write = function(png, options) {
      return pack(png, options);
    };
  }
});

// node_modules/pngjs/lib/png.js
var require_png = __commonJS({
  "node_modules/pngjs/lib/png.js"(exports) {
    "use strict";
    var util = __require("util");
    var Stream = __require("stream");
    var Parser = require_parser_async();
    var Packer = require_packer_async();
    var PNGSync = require_png_sync();
    var PNG3 = exports.PNG = function(options) {
      Stream.call(this);
      options = options || {};
      this.width = options.width | 0;
      this.height = options.height | 0;
      this.data = this.width > 0 && this.height > 0 ? Buffer.alloc(4 * this.width * this.height) : null;
      if (options.fill && this.data) {
        this.data.fill(0);
      }
      this.gamma = 0;
      this.readable = this.writable = true;
      this._parser = new Parser(options);
      this._parser.on("error", this.emit.bind(this, "error"));
      this._parser.on("close", this._handleClose.bind(this));
      this._parser.on("metadata", this._metadata.bind(this));
      this._parser.on("gamma", this._gamma.bind(this));
      this._parser.on(
        "parsed",
        function(data) {
          this.data = data;
          this.emit("parsed", data);
        }.bind(this)
      );
      this._packer = new Packer(options);
      this._packer.on("data", this.emit.bind(this, "data"));
      this._packer.on("end", this.emit.bind(this, "end"));
      this._parser.on("close", this._handleClose.bind(this));
      this._packer.on("error", this.emit.bind(this, "error"));
    };
    util.inherits(PNG3, Stream);
    PNG3.sync = PNGSync;
    PNG3.prototype.pack = function() {
      if (!this.data || !this.data.length) {
        this.emit("error", "No data provided");
        return this;
      }
      process.nextTick(
        function() {
          this._packer.pack(this.data, this.width, this.height, this.gamma);
        }.bind(this)
      );
      return this;
    };
    PNG3.prototype.parse = function(data, callback) {
      if (callback) {
        let onParsed, onError;
        onParsed = function(parsedData) {
          this.removeListener("error", onError);
          this.data = parsedData;
          callback(null, this);
        }.bind(this);
        onError = function(err) {
          this.removeListener("parsed", onParsed);
          callback(err, null);
        }.bind(this);
        this.once("parsed", onParsed);
        this.once("error", onError);
      }
      this.end(data);
      return this;
    };
    PNG3.prototype.write = function(data) {
      this._parser.write(data);
      return true;
    };
    PNG3.prototype.end = function(data) {
      this._parser.end(data);
    };
    PNG3.prototype._metadata = function(metadata) {
      this.width = metadata.width;
      this.height = metadata.height;
      this.emit("metadata", metadata);
    };
    PNG3.prototype._gamma = function(gamma) {
      this.gamma = gamma;
    };
    PNG3.prototype._handleClose = function() {
      if (!this._parser.writable && !this._packer.readable) {
        this.emit("close");
      }
    };
    PNG3.bitblt = function(src, dst, srcX, srcY, width, height, deltaX, deltaY) {
      srcX |= 0;
      srcY |= 0;
      width |= 0;
      height |= 0;
      deltaX |= 0;
      deltaY |= 0;
      if (srcX > src.width || srcY > src.height || srcX + width > src.width || srcY + height > src.height) {
        throw new Error("bitblt reading outside image");
      }
      if (deltaX > dst.width || deltaY > dst.height || deltaX + width > dst.width || deltaY + height > dst.height) {
        throw new Error("bitblt writing outside image");
      }
      for (let y = 0; y < height; y++) {
        src.data.copy(
          dst.data,
          (deltaY + y) * dst.width + deltaX << 2,
          (srcY + y) * src.width + srcX << 2,
          (srcY + y) * src.width + srcX + width << 2
        );
      }
    };
    PNG3.prototype.bitblt = function(dst, srcX, srcY, width, height, deltaX, deltaY) {
      PNG3.bitblt(this, dst, srcX, srcY, width, height, deltaX, deltaY);
      return this;
    };
    PNG3.adjustGamma = function(src) {
      if (src.gamma) {
        for (let y = 0; y < src.height; y++) {
          for (let x = 0; x < src.width; x++) {
            let idx = src.width * y + x << 2;
            for (let i = 0; i < 3; i++) {
              let sample = src.data[idx + i] / 255;
              sample = Math.pow(sample, 1 / 2.2 / src.gamma);
              src.data[idx + i] = Math.round(sample * 255);
            }
          }
        }
        src.gamma = 0;
      }
    };
    PNG3.prototype.adjustGamma = function() {
      PNG3.adjustGamma(this);
    };
  }
});

// src/core/mask-file.ts
import { readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
var MAX_MASKED_FILE_BYTES = 256 * 1024 * 1024;
async function maskSecretsInFile(file, masker) {
  const st = await stat(file).catch(() => void 0);
  if (!st?.isFile() || st.size === 0 || st.size > MAX_MASKED_FILE_BYTES) return false;
  const bytes = await readFile(file);
  const text = bytes.toString("utf8");
  const masked = masker.mask(text);
  if (masked === text) return false;
  await writeFile(`${file}.partial`, masked);
  await rename(`${file}.partial`, file);
  return true;
}
var BINARY_LOG_FILE = /\.(png|qcow2|raw|img|iso|zst|gz)$/i;
async function maskSecretsInFolder(dir, masker, options = {}) {
  const changed = [];
  const walk = async (d) => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && !BINARY_LOG_FILE.test(e.name) && !options.skip?.includes(e.name) && await maskSecretsInFile(full, masker).catch(() => false)) changed.push(full);
    }
  };
  await walk(dir);
  return changed;
}

// src/core/pipeline/phase.ts
var PhaseTimeoutError = class extends Error {
  constructor(phase, timeoutMs) {
    super(`phase '${phase}' timed out after ${formatGoDuration(timeoutMs)}`);
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
  phase;
  timeoutMs;
  name = "PhaseTimeoutError";
};
function createPhaseRunner(vm, logger, buildSignal) {
  const records = [];
  return {
    records,
    signal: buildSignal,
    skip(phase, detail) {
      records.push({ vm, phase, startedAt: (/* @__PURE__ */ new Date()).toISOString(), durationMs: 0, status: "skipped", detail });
      logger.info(`==> ${phase}: skipped (${detail})`);
    },
    async run(phase, fn, options = {}) {
      const started = Date.now();
      const startedAt = new Date(started).toISOString();
      const timeout = options.timeoutMs && options.timeoutMs > 0 ? AbortSignal.timeout(options.timeoutMs) : void 0;
      const signal = timeout ? AbortSignal.any([buildSignal, timeout]) : buildSignal;
      logger.phase?.({ type: "start", vm, phase });
      logger.info(`==> ${phase}`);
      try {
        const result = await fn(signal);
        const durationMs = Date.now() - started;
        records.push({ vm, phase, startedAt, durationMs, status: "ok", ...options.detail ? { detail: options.detail } : {} });
        logger.info(`<== ${phase} done in ${formatGoDuration(Math.round(durationMs))}`);
        logger.phase?.({ type: "end", vm, phase, status: "ok" });
        return result;
      } catch (err) {
        const durationMs = Date.now() - started;
        const cancelled = buildSignal.aborted;
        records.push({ vm, phase, startedAt, durationMs, status: cancelled ? "cancelled" : "failed", detail: err instanceof Error ? err.message : String(err) });
        logger.phase?.({ type: "end", vm, phase, status: cancelled ? "cancelled" : "failed" });
        if (cancelled) throw new CancelledError();
        if (timeout?.aborted) throw new PhaseTimeoutError(phase, options.timeoutMs);
        throw err;
      }
    }
  };
}

// src/core/pipeline/steps/text-waits.ts
var import_pngjs = __toESM(require_png(), 1);
import { writeFile as writeFile2 } from "node:fs/promises";
import path3 from "node:path";
import { StringDecoder } from "node:string_decoder";

// src/core/ocr/ocr-worker.ts
import { Worker } from "node:worker_threads";

// src/core/ocr/ocr-assets.ts
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path2 from "node:path";
var OCR_LANGUAGE = "eng";
var OCR_WORKER_FILE = "ocr-worker.cjs";
var OCR_WASM_FILES = ["tesseract-core-relaxedsimd-lstm.wasm", "tesseract-core-simd-lstm.wasm"];
var OCR_TRAINEDDATA_FILE = `${OCR_LANGUAGE}.traineddata.gz`;
var OCR_DIST_FOLDER = "ocr";
function bundledOcrAssets(moduleDir) {
  const dir = path2.resolve(moduleDir, "..", OCR_DIST_FOLDER);
  const complete = [OCR_WORKER_FILE, OCR_TRAINEDDATA_FILE, OCR_WASM_FILES[0]].every((f) => existsSync(path2.join(dir, f)));
  return complete ? { workerPath: path2.join(dir, OCR_WORKER_FILE), corePath: dir, langPath: dir } : void 0;
}
function packageOcrAssets() {
  const require2 = createRequire(import.meta.url);
  const packageDir = (name) => path2.dirname(require2.resolve(`${name}/package.json`));
  return {
    workerPath: path2.join(import.meta.dirname, OCR_WORKER_FILE),
    corePath: packageDir("tesseract.js-core"),
    langPath: path2.join(packageDir("@tesseract.js-data/eng"), "4.0.0_best_int")
  };
}
var OcrAssetsError = class extends Error {
  name = "OcrAssetsError";
};
function locateOcrAssets(moduleDir = import.meta.dirname) {
  let assets = bundledOcrAssets(moduleDir);
  if (!assets) {
    try {
      assets = packageOcrAssets();
    } catch (err) {
      throw new OcrAssetsError(
        `the OCR files are not beside this bundle (${path2.resolve(moduleDir, "..", OCR_DIST_FOLDER)}) and the npm packages tesseract.js-core and @tesseract.js-data/eng are not installed: ${err.message}`
      );
    }
  }
  for (const file of [assets.workerPath, path2.join(assets.corePath, OCR_WASM_FILES[0]), path2.join(assets.langPath, OCR_TRAINEDDATA_FILE)]) {
    if (!existsSync(file)) throw new OcrAssetsError(`an OCR file is missing: ${file}`);
  }
  return assets;
}

// src/core/ocr/ocr-worker.ts
var OEM_LSTM_ONLY = 1;
var OCR_DEFAULT_PARAMETERS = { tessedit_do_invert: "0" };
var OcrError = class extends Error {
  name = "OcrError";
};
var workerCount = 0;
var OcrWorker = class _OcrWorker {
  constructor(worker) {
    this.worker = worker;
    worker.on("message", (reply) => this.settle(reply));
    worker.on("error", (err) => this.fail(new OcrError(`the OCR worker failed: ${err.message}`)));
    this.exited = new Promise(
      (resolve) => worker.once("exit", () => {
        this.fail(new OcrError("the OCR worker has stopped"));
        resolve();
      })
    );
    worker.unref();
  }
  worker;
  pending = /* @__PURE__ */ new Map();
  failure;
  jobCount = 0;
  id = `ocr-${++workerCount}`;
  exited;
  queue = Promise.resolve();
  /** Starts a worker and loads the core and the English model (about a second, once per build). */
  static async start(options = {}) {
    const assets = options.assets ?? locateOcrAssets();
    const ocr = new _OcrWorker(new Worker(assets.workerPath));
    try {
      await ocr.job("load", { options: { lstmOnly: true, corePath: assets.corePath, logging: false } });
      await ocr.job("loadLanguage", { langs: OCR_LANGUAGE, options: { langPath: assets.langPath, cacheMethod: "none", gzip: true, lstmOnly: true } });
      await ocr.job("initialize", { langs: OCR_LANGUAGE, oem: OEM_LSTM_ONLY });
      await ocr.job("setParameters", { params: { ...OCR_DEFAULT_PARAMETERS, ...options.parameters } });
    } catch (err) {
      await ocr.close();
      throw err;
    }
    return ocr;
  }
  /**
   * The text Tesseract reads in an image (PNG, or a binary PGM/PPM for speed). Calls are served
   * one at a time, as the worker holds one image.
   */
  recognize(image) {
    const run2 = async () => {
      const data = await this.job("recognize", { image, options: {}, output: { text: true, blocks: false, hocr: false, tsv: false } });
      return data.text ?? "";
    };
    const result = this.queue.then(run2, run2);
    this.queue = result.catch(() => {
    });
    return result;
  }
  /** Ends the worker thread; safe to call more than once. */
  async close() {
    this.fail(new OcrError("the OCR worker was closed"));
    await this.worker.terminate();
    await this.exited;
  }
  job(action, payload) {
    if (this.failure) return Promise.reject(this.failure);
    const jobId = `${this.id}-job-${++this.jobCount}`;
    return new Promise((resolve, reject) => {
      this.pending.set(`${action}-${jobId}`, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ workerId: this.id, jobId, action, payload });
    });
  }
  settle(reply) {
    if (reply.status === "progress") return;
    const key = `${reply.action}-${reply.jobId}`;
    const waiting = this.pending.get(key);
    if (!waiting) return;
    this.pending.delete(key);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.status === "resolve") waiting.resolve(reply.data);
    else waiting.reject(new OcrError(`OCR ${reply.action} failed: ${String(reply.data)}`));
  }
  fail(err) {
    this.failure ??= err;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
    this.worker.unref();
  }
};

// src/core/ocr/screen-image.ts
import { createHash } from "node:crypto";
function screenToPgm({ width, height, rgba }) {
  const header = Buffer.from(`P5
${width} ${height}
255
`, "latin1");
  const out = new Uint8Array(header.length + width * height);
  out.set(header);
  const grey = out.subarray(header.length);
  let sum = 0;
  for (let i = 0, p = 0; i < grey.length; i++, p += 4) {
    const g = (rgba[p] * 299 + rgba[p + 1] * 587 + rgba[p + 2] * 114 + 500) / 1e3;
    grey[i] = g;
    sum += g;
  }
  if (grey.length > 0 && sum / grey.length < 128) {
    for (let i = 0; i < grey.length; i++) grey[i] = 255 - grey[i];
  }
  return out;
}
function screenDigest({ width, height, rgba }) {
  return createHash("sha1").update(`${width}x${height}:`).update(rgba).digest("hex");
}

// src/core/ocr/screen-reader.ts
var IDLE_CLOSE_MS = 15e3;
var REMEMBERED = 8;
var shared;
var workerOptions = {};
function acquire() {
  if (!shared) {
    const worker = OcrWorker.start(workerOptions);
    shared = { worker, users: 0 };
    const mine = shared;
    worker.catch(() => {
      if (shared === mine) shared = void 0;
    });
  }
  if (shared.idle) clearTimeout(shared.idle);
  delete shared.idle;
  shared.users++;
  return shared.worker;
}
function release() {
  const current = shared;
  if (!current) return;
  current.users--;
  if (current.users > 0) return;
  current.idle = setTimeout(() => {
    if (shared !== current || current.users > 0) return;
    shared = void 0;
    void current.worker.then((w) => w.close()).catch(() => {
    });
  }, IDLE_CLOSE_MS);
  current.idle.unref();
}
async function closeSharedOcr() {
  const current = shared;
  shared = void 0;
  if (!current) return;
  if (current.idle) clearTimeout(current.idle);
  await current.worker.then((w) => w.close()).catch(() => {
  });
}
var ScreenReader = class _ScreenReader {
  constructor(worker) {
    this.worker = worker;
  }
  worker;
  known = /* @__PURE__ */ new Map();
  closed = false;
  /** A reader on the shared worker; close() lets go of it. */
  static async open() {
    try {
      return new _ScreenReader(await acquire());
    } catch (err) {
      release();
      throw err;
    }
  }
  async read(screen) {
    const digest = screenDigest(screen);
    const known = this.known.get(digest);
    if (known !== void 0) return { text: known, cached: true, ms: 0 };
    const started = performance.now();
    const text = (await this.worker.recognize(screenToPgm(screen))).replace(/\s+$/, "");
    this.known.set(digest, text);
    if (this.known.size > REMEMBERED) this.known.delete(this.known.keys().next().value);
    return { text, cached: false, ms: performance.now() - started };
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    release();
  }
};

// src/core/ocr/screen-text.ts
function normaliseScreenText(text) {
  return text.replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"').replace(/[\u2018\u2019\u201a\u201b\u2032`]/g, "'").replace(/[ \t\u00a0]+/g, " ").replace(/ ([:;,.!?)\]}])/g, "$1").replace(/([([{]) /g, "$1").replace(/ *\n[ \n]*/g, "\n").trim();
}
function screenTextMatches(pattern, text) {
  const re = new RegExp(pattern, "i");
  return re.test(text) || re.test(normaliseScreenText(text));
}

// src/core/pipeline/steps/text-waits.ts
var SCREEN_POLL_MS = 1e3;
var SERIAL_POLL_MS = 250;
var UNCHANGED_PAUSE_MS = 250;
var QUOTED_LINES = 25;
var TextWaitTimeoutError = class extends UserError {
  constructor(message, seen, screenshot) {
    super(message);
    this.seen = seen;
    this.screenshot = screenshot;
  }
  seen;
  screenshot;
  name = "TextWaitTimeoutError";
};
function consoleText(raw) {
  return raw.replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, "").replace(/\u001b[()][0-9A-Za-z]|\u001b[=>78cDEHM]/g, "").replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
}
function quote(text) {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines.length === 0) return "  (nothing)";
  return lines.slice(-QUOTED_LINES).map((l) => `  | ${l}`).join("\n");
}
function pixelsToPng({ width, height, rgba }) {
  const png = new import_pngjs.PNG({ width, height });
  rgba.copy(png.data);
  return import_pngjs.PNG.sync.write(png);
}
function textFileFor(png) {
  return png.replace(/\.png$/, "") + ".txt";
}
var TextWaiter = class {
  constructor(options) {
    this.options = options;
  }
  options;
  reader;
  serialOffset = 0;
  serialText = "";
  decoder = new StringDecoder("utf8");
  count = 0;
  /** The shared OCR reader, opened on first use. */
  screenReader() {
    if (!this.reader) {
      this.reader = ScreenReader.open();
      this.reader.catch(() => this.reader = void 0);
    }
    return this.reader;
  }
  async wait(wait, signal) {
    this.count++;
    const started = Date.now();
    if (wait.source === "screen") await this.waitForScreen(wait, signal);
    else await this.waitForSerial(wait, signal);
    this.options.logger.info(`boot command: ${describeTextWait(wait)} appeared after ${formatGoDuration(Date.now() - started)}`);
  }
  close() {
    void this.reader?.then((r) => r.close()).catch(() => {
    });
    this.reader = void 0;
  }
  async waitForScreen(wait, signal) {
    const { vnc, timeoutMs } = this.options;
    const deadline = Date.now() + timeoutMs;
    const timedOut = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    const reader = await this.screenReader();
    let last;
    let incremental = false;
    try {
      for (; ; ) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) break;
        const pixels2 = await vnc.capture({ incremental, timeoutMs: Math.min(SCREEN_POLL_MS, remaining), signal: timedOut });
        incremental = true;
        const { text, cached } = await raceAbort(reader.read(pixels2), timedOut);
        last = { pixels: pixels2, text };
        if (screenTextMatches(wait.pattern, text)) return;
        if (cached) await sleep(Math.min(UNCHANGED_PAUSE_MS, Math.max(0, deadline - Date.now())), timedOut);
      }
    } catch (err) {
      if (signal.aborted) throw abortReason(signal);
      if (!timedOut.aborted) throw err;
    }
    const pixels = last?.pixels ?? await vnc.capture({ timeoutMs: 5e3, signal }).catch(() => void 0);
    const seen = last?.text ?? "";
    let screenshot;
    if (pixels && (this.options.screenshotsAllowed?.() ?? true)) {
      screenshot = path3.join(this.options.logDir, `bootcommand-wait-${String(this.count).padStart(2, "0")}-missed.png`);
      await writeFile2(screenshot, pixelsToPng(pixels));
      await writeFile2(textFileFor(screenshot), seen + "\n");
    }
    throw new TextWaitTimeoutError(
      `boot command: no ${describeTextWait(wait)} within ${formatGoDuration(timeoutMs)} (bootTextTimeout); the screen read:
${quote(seen)}${screenshot ? `
last screen: ${screenshot}` : ""}`,
      seen,
      screenshot
    );
  }
  async waitForSerial(wait, signal) {
    const { handle, timeoutMs } = this.options;
    if (!handle.readSerial) throw new UserError(`boot command: ${describeTextWait(wait)} needs the serial console, which this engine cannot read`);
    const re = new RegExp(wait.pattern);
    const deadline = Date.now() + timeoutMs;
    for (; ; ) {
      if (signal.aborted) throw abortReason(signal);
      const chunk = await handle.readSerial(this.serialOffset, signal);
      this.serialOffset += chunk.length;
      this.serialText += this.decoder.write(chunk);
      if (re.test(consoleText(this.serialText))) return;
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await sleep(Math.min(SERIAL_POLL_MS, remaining), signal);
    }
    const seen = consoleText(this.serialText);
    throw new TextWaitTimeoutError(`boot command: no ${describeTextWait(wait)} within ${formatGoDuration(timeoutMs)} (bootTextTimeout); the serial console printed:
${quote(seen)}`, seen);
  }
};
function raceAbort(work, signal) {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    );
  });
}

// src/core/pipeline/failure-capture.ts
import { readFile as readFile2, writeFile as writeFile4 } from "node:fs/promises";
import path5 from "node:path";

// src/core/pipeline/steps/boot-command.ts
import { writeFile as writeFile3 } from "node:fs/promises";
import path4 from "node:path";

// src/core/bootcommand/type-key-events.ts
async function typeKeyEvents(input, sink, { intervalMs, signal, onElementDone, onEvent, logger, waitForText }) {
  const events = "events" in input ? input.events : input;
  const elementEnds = "events" in input ? input.elementEnds : [events.length];
  let nextElement = 0;
  const finishElementsUpTo = async (sent) => {
    while (nextElement < elementEnds.length && elementEnds[nextElement] <= sent) {
      if (signal?.aborted) throw abortReason(signal);
      logger?.progress({ phase: "typing the boot command", done: nextElement + 1, total: elementEnds.length, unit: "items" });
      await onElementDone?.(nextElement);
      nextElement++;
    }
  };
  await finishElementsUpTo(0);
  for (const [index, event] of events.entries()) {
    if (signal?.aborted) throw abortReason(signal);
    if ("waitText" in event) {
      if (!waitForText) throw new Error(`the boot command waits for ${describeTextWait(event.waitText)}, and nothing here can watch for text`);
      logger?.debug(`boot command: waiting for ${describeTextWait(event.waitText)}`);
      await waitForText(event.waitText, signal);
    } else if ("wait" in event) {
      logger?.debug(`boot command: waiting ${formatGoDurationNanos(BigInt(Math.round(event.wait * 1e6)))}`);
      await sleep(event.wait, signal);
    } else {
      await sink.keyEvent(event.key, event.down);
      if (intervalMs > 0) await sleep(intervalMs, signal);
    }
    onEvent?.(index, event);
    await finishElementsUpTo(index + 1);
  }
}

// src/core/vnc/byte-reader.ts
var ConnectionClosedError = class extends Error {
  name = "ConnectionClosedError";
};
var ByteReader = class {
  chunks = [];
  buffered = 0;
  pending;
  failure;
  constructor(stream) {
    stream.on("data", (chunk) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.serve();
    });
    stream.once("end", () => this.fail(new ConnectionClosedError("the VNC server closed the connection")));
    stream.once("close", () => this.fail(new ConnectionClosedError("the VNC connection was closed")));
    stream.once("error", (err) => this.fail(new ConnectionClosedError(`the VNC connection failed: ${err.message}`, { cause: err })));
  }
  /** The next `size` bytes. One read at a time: RFB fields are consumed in order. */
  read(size) {
    if (this.pending) return Promise.reject(new Error("ByteReader: a read is already waiting"));
    if (this.buffered >= size) return Promise.resolve(this.take(size));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { size, resolve, reject };
    });
  }
  async u8() {
    return (await this.read(1)).readUInt8(0);
  }
  async u16() {
    return (await this.read(2)).readUInt16BE(0);
  }
  async u32() {
    return (await this.read(4)).readUInt32BE(0);
  }
  async s32() {
    return (await this.read(4)).readInt32BE(0);
  }
  /** Fails the waiting read and every later one (first failure wins). */
  fail(err) {
    this.failure ??= err;
    const pending = this.pending;
    this.pending = void 0;
    pending?.reject(this.failure);
  }
  serve() {
    if (this.pending && this.buffered >= this.pending.size) {
      const { size, resolve } = this.pending;
      this.pending = void 0;
      resolve(this.take(size));
    }
  }
  take(size) {
    if (size === 0) return Buffer.alloc(0);
    const first = this.chunks[0];
    if (first.length >= size) {
      const out2 = first.subarray(0, size);
      if (first.length === size) this.chunks.shift();
      else this.chunks[0] = first.subarray(size);
      this.buffered -= size;
      return out2;
    }
    const all = Buffer.concat(this.chunks, this.buffered);
    const out = all.subarray(0, size);
    this.chunks = all.length > size ? [all.subarray(size)] : [];
    this.buffered -= size;
    return out;
  }
};

// src/core/vnc/framebuffer.ts
var import_pngjs2 = __toESM(require_png(), 1);
var Framebuffer = class _Framebuffer {
  constructor(width, height) {
    this.width = width;
    this.height = height;
    this.rgba = _Framebuffer.blank(width, height);
  }
  width;
  height;
  rgba;
  static blank(width, height) {
    const b = Buffer.alloc(width * height * 4);
    for (let i = 3; i < b.length; i += 4) b[i] = 255;
    return b;
  }
  /** The server changed the screen size (DesktopSize): start over with a black screen. */
  resize(width, height) {
    this.width = width;
    this.height = height;
    this.rgba = _Framebuffer.blank(width, height);
  }
  /** A Raw rectangle: width*height pixels of 4 bytes, row by row. */
  putRaw(x, y, width, height, pixels) {
    this.checkRect(x, y, width, height);
    for (let row = 0; row < height; row++) {
      let src = row * width * 4;
      let dst = ((y + row) * this.width + x) * 4;
      for (let col = 0; col < width; col++, src += 4, dst += 4) {
        this.rgba[dst] = pixels[src + 2];
        this.rgba[dst + 1] = pixels[src + 1];
        this.rgba[dst + 2] = pixels[src];
      }
    }
  }
  /** A CopyRect rectangle: the area at (srcX, srcY) moves to (x, y); the two may overlap. */
  copyRect(srcX, srcY, x, y, width, height) {
    this.checkRect(x, y, width, height);
    this.checkRect(srcX, srcY, width, height);
    const rowBytes = width * 4;
    const copy = Buffer.alloc(rowBytes * height);
    for (let row = 0; row < height; row++) {
      const from = ((srcY + row) * this.width + srcX) * 4;
      this.rgba.copy(copy, row * rowBytes, from, from + rowBytes);
    }
    for (let row = 0; row < height; row++) {
      copy.copy(this.rgba, ((y + row) * this.width + x) * 4, row * rowBytes, (row + 1) * rowBytes);
    }
  }
  /** RGBA of one pixel, for tests and checks. */
  pixel(x, y) {
    const i = (y * this.width + x) * 4;
    return [this.rgba[i], this.rgba[i + 1], this.rgba[i + 2], this.rgba[i + 3]];
  }
  /** A copy of the pixels as RGBA, for OCR (the next update cannot change it under the reader). */
  snapshot() {
    return { width: this.width, height: this.height, rgba: Buffer.from(this.rgba) };
  }
  toPng() {
    const png = new import_pngjs2.PNG({ width: this.width, height: this.height });
    this.rgba.copy(png.data);
    return import_pngjs2.PNG.sync.write(png);
  }
  checkRect(x, y, width, height) {
    if (x + width > this.width || y + height > this.height) {
      throw new Error(`the VNC server sent a rectangle ${width}x${height}+${x}+${y} outside its ${this.width}x${this.height} screen`);
    }
  }
};

// src/core/vnc/rfb-messages.ts
var SecurityType = { Invalid: 0, None: 1, VncAuthentication: 2 };
var Encoding = { Raw: 0, CopyRect: 1, DesktopSizePseudo: -223 };
var ServerMessage = { FramebufferUpdate: 0, SetColourMapEntries: 1, Bell: 2, ServerCutText: 3 };
var ClientMessage = { SetPixelFormat: 0, SetEncodings: 2, FramebufferUpdateRequest: 3, KeyEvent: 4 };
var CLIENT_PIXEL_FORMAT = {
  bitsPerPixel: 32,
  depth: 24,
  bigEndian: false,
  trueColour: true,
  redMax: 255,
  greenMax: 255,
  blueMax: 255,
  redShift: 16,
  greenShift: 8,
  blueShift: 0
};
function decodePixelFormat(b) {
  return {
    bitsPerPixel: b.readUInt8(0),
    depth: b.readUInt8(1),
    bigEndian: b.readUInt8(2) !== 0,
    trueColour: b.readUInt8(3) !== 0,
    redMax: b.readUInt16BE(4),
    greenMax: b.readUInt16BE(6),
    blueMax: b.readUInt16BE(8),
    redShift: b.readUInt8(10),
    greenShift: b.readUInt8(11),
    blueShift: b.readUInt8(12)
  };
}
function encodePixelFormat(pf) {
  const b = Buffer.alloc(16);
  b.writeUInt8(pf.bitsPerPixel, 0);
  b.writeUInt8(pf.depth, 1);
  b.writeUInt8(pf.bigEndian ? 1 : 0, 2);
  b.writeUInt8(pf.trueColour ? 1 : 0, 3);
  b.writeUInt16BE(pf.redMax, 4);
  b.writeUInt16BE(pf.greenMax, 6);
  b.writeUInt16BE(pf.blueMax, 8);
  b.writeUInt8(pf.redShift, 10);
  b.writeUInt8(pf.greenShift, 11);
  b.writeUInt8(pf.blueShift, 12);
  return b;
}
function setPixelFormat(pf) {
  const b = Buffer.alloc(20);
  b.writeUInt8(ClientMessage.SetPixelFormat, 0);
  encodePixelFormat(pf).copy(b, 4);
  return b;
}
function setEncodings(encodings) {
  const b = Buffer.alloc(4 + 4 * encodings.length);
  b.writeUInt8(ClientMessage.SetEncodings, 0);
  b.writeUInt16BE(encodings.length, 2);
  encodings.forEach((e, i) => b.writeInt32BE(e, 4 + 4 * i));
  return b;
}
function framebufferUpdateRequest(incremental, x, y, width, height) {
  const b = Buffer.alloc(10);
  b.writeUInt8(ClientMessage.FramebufferUpdateRequest, 0);
  b.writeUInt8(incremental ? 1 : 0, 1);
  b.writeUInt16BE(x, 2);
  b.writeUInt16BE(y, 4);
  b.writeUInt16BE(width, 6);
  b.writeUInt16BE(height, 8);
  return b;
}
function keyEvent(keysym, down) {
  const b = Buffer.alloc(8);
  b.writeUInt8(ClientMessage.KeyEvent, 0);
  b.writeUInt8(down ? 1 : 0, 1);
  b.writeUInt32BE(keysym >>> 0, 4);
  return b;
}
function negotiateVersion(serverGreeting, highest = "3.8") {
  const match = /^RFB (\d{3})\.(\d{3})\n$/.exec(serverGreeting);
  if (!match) throw new Error(`not a VNC server: it greeted with ${JSON.stringify(serverGreeting)}`);
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major < 3) throw new Error(`the VNC server speaks RFB ${major}.${minor}, older than 3.3`);
  const server = major > 3 || minor >= 8 ? "3.8" : minor === 7 ? "3.7" : "3.3";
  const order = ["3.3", "3.7", "3.8"];
  return order[Math.min(order.indexOf(server), order.indexOf(highest))];
}
function versionGreeting(version) {
  return Buffer.from(`RFB 003.00${version.slice(2)}
`, "latin1");
}

// src/core/vnc/vnc-auth.ts
import { createCipheriv } from "node:crypto";
function reverseBits(byte) {
  let out = 0;
  for (let i = 0; i < 8; i++) if (byte & 1 << i) out |= 1 << 7 - i;
  return out;
}
function vncAuthResponse(challenge, password) {
  if (challenge.length !== 16) throw new Error(`VNC authentication: expected a 16-byte challenge, got ${challenge.length} bytes`);
  const key = Buffer.alloc(8);
  Buffer.from(password, "latin1").copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) key[i] = reverseBits(key[i]);
  const cipher = createCipheriv("des-ede-ecb", Buffer.concat([key, key]), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(challenge), cipher.final()]);
}

// src/core/vnc/rfb-client.ts
var VncError = class extends Error {
  name = "VncError";
};
var MAX_TEXT_BYTES = 1 << 20;
var RfbClient = class _RfbClient {
  constructor(stream, logger) {
    this.stream = stream;
    this.logger = logger;
    this.reader = new ByteReader(stream);
    this.closedPromise = new Promise((resolve) => {
      if (stream.destroyed) resolve();
      else stream.once("close", () => resolve());
    });
    stream.on("error", () => {
    });
  }
  stream;
  logger;
  reader;
  failure;
  updateWaiters = /* @__PURE__ */ new Set();
  screenshots = Promise.resolve();
  framebuffer = new Framebuffer(0, 0);
  closedPromise;
  version = "3.8";
  desktopName = "";
  serverPixelFormat;
  /** Runs the handshake on an open stream; on failure the stream is destroyed. */
  static async connect(stream, options = {}) {
    const client = new _RfbClient(stream, options.logger);
    const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? 3e4), ...options.signal ? [options.signal] : []]);
    const onAbort = () => {
      const reason = options.signal?.aborted ? options.signal.reason : new VncError(`no VNC handshake within ${options.timeoutMs ?? 3e4} ms`);
      client.shutdown(reason instanceof Error ? reason : new VncError(String(reason)));
    };
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await client.handshake(options);
    } catch (err) {
      client.shutdown(err instanceof Error ? err : new VncError(String(err)));
      await client.closedPromise;
      throw client.failure ?? err;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    void client.messageLoop();
    return client;
  }
  get width() {
    return this.framebuffer.width;
  }
  get height() {
    return this.framebuffer.height;
  }
  /** Sends one RFB KeyEvent; resolves when it is handed to the transport. */
  async keyEvent(keysym, down) {
    await this.write(keyEvent(keysym, down));
  }
  /** The whole screen as a PNG, freshly requested from the server. Calls are served one at a time. */
  screenshot(options = {}) {
    const take = async () => {
      await this.screenshotUpdate(options);
      return this.framebuffer.toPng();
    };
    const result = this.screenshots.then(take, take);
    this.screenshots = result.catch(() => {
    });
    return result;
  }
  /**
   * The screen's pixels, freshly requested (the whole screen, or only changes with `incremental`),
   * served in turn with screenshots.
   */
  capture(options = {}) {
    const take = async () => {
      if (!options.incremental) {
        await this.screenshotUpdate(options);
        return this.framebuffer.snapshot();
      }
      const update = this.nextUpdate(options);
      update.catch(() => {
      });
      await this.write(framebufferUpdateRequest(true, 0, 0, this.framebuffer.width, this.framebuffer.height));
      try {
        const { resized } = await update;
        if (resized) await this.screenshotUpdate(options);
      } catch (err) {
        if (!(err instanceof VncError) || !/no screen update/.test(err.message) || options.signal?.aborted) throw err;
      }
      return this.framebuffer.snapshot();
    };
    const result = this.screenshots.then(take, take);
    this.screenshots = result.catch(() => {
    });
    return result;
  }
  /** The screen's pixels as last received, as PNG (no request to the server). */
  lastScreenPng() {
    return this.framebuffer.toPng();
  }
  /** Requests the whole screen and waits for it. */
  async screenshotUpdate(options) {
    for (let attempt2 = 0; attempt2 < 4; attempt2++) {
      const update = this.nextUpdate(options);
      update.catch(() => {
      });
      await this.write(framebufferUpdateRequest(false, 0, 0, this.framebuffer.width, this.framebuffer.height));
      if (!(await update).resized) break;
    }
  }
  /** RGBA of one pixel of the last screen received. */
  pixel(x, y) {
    return this.framebuffer.pixel(x, y);
  }
  /** Closes the connection; safe to call more than once. */
  async close() {
    this.shutdown(new ConnectionClosedError("the VNC connection was closed by the client"));
    await this.closedPromise;
  }
  async handshake(options) {
    const greeting = (await this.reader.read(12)).toString("latin1");
    this.version = negotiateVersion(greeting, options.highestVersion);
    await this.write(versionGreeting(this.version));
    const security = await this.negotiateSecurity(options.password);
    if (security === SecurityType.VncAuthentication) {
      await this.write(vncAuthResponse(await this.reader.read(16), options.password ?? ""));
    }
    if (security === SecurityType.VncAuthentication || this.version === "3.8") {
      if (await this.reader.u32() !== 0) {
        const reason = this.version === "3.8" ? await this.readText() : "";
        throw new VncError(`VNC authentication failed${reason ? `: ${reason}` : ""}`);
      }
    }
    await this.write(Buffer.from([options.shared === false ? 0 : 1]));
    const width = await this.reader.u16();
    const height = await this.reader.u16();
    this.serverPixelFormat = decodePixelFormat(await this.reader.read(16));
    this.desktopName = await this.readText();
    this.framebuffer = new Framebuffer(width, height);
    await this.write(Buffer.concat([setPixelFormat(CLIENT_PIXEL_FORMAT), setEncodings([Encoding.CopyRect, Encoding.Raw, Encoding.DesktopSizePseudo])]));
    this.logger?.debug(`VNC: RFB ${this.version}, security ${security === SecurityType.None ? "none" : "VNC authentication"}, ${width}x${height} "${this.desktopName}"`);
  }
  async negotiateSecurity(password) {
    if (this.version === "3.3") {
      const type = await this.reader.u32();
      if (type === SecurityType.Invalid) throw new VncError(`the VNC server refused the connection: ${await this.readText()}`);
      if (type === SecurityType.VncAuthentication && password === void 0) throw new VncError("the VNC server asks for a password and none was given");
      if (type !== SecurityType.None && type !== SecurityType.VncAuthentication) throw new VncError(`the VNC server asks for security type ${type}; only None and VNC Authentication are supported`);
      return type;
    }
    const count = await this.reader.u8();
    if (count === 0) throw new VncError(`the VNC server refused the connection: ${await this.readText()}`);
    const offered = [...await this.reader.read(count)];
    const choice = password !== void 0 && offered.includes(SecurityType.VncAuthentication) ? SecurityType.VncAuthentication : offered.includes(SecurityType.None) ? SecurityType.None : void 0;
    if (choice === void 0) {
      const why = offered.includes(SecurityType.VncAuthentication) ? "asks for a password and none was given" : `offers only security types ${offered.join(", ")}; supported are None and VNC Authentication`;
      throw new VncError(`the VNC server ${why}`);
    }
    await this.write(Buffer.from([choice]));
    return choice;
  }
  async readText() {
    const length = await this.reader.u32();
    if (length > MAX_TEXT_BYTES) throw new VncError(`the VNC server sent a ${length}-byte string; refusing more than ${MAX_TEXT_BYTES}`);
    return (await this.reader.read(length)).toString("utf8");
  }
  async messageLoop() {
    try {
      for (; ; ) {
        const type = await this.reader.u8();
        switch (type) {
          case ServerMessage.FramebufferUpdate:
            await this.readFramebufferUpdate();
            break;
          case ServerMessage.SetColourMapEntries: {
            await this.reader.read(3);
            const colours = await this.reader.u16();
            await this.reader.read(colours * 6);
            break;
          }
          case ServerMessage.Bell:
            break;
          case ServerMessage.ServerCutText:
            await this.reader.read(3);
            await this.readText();
            break;
          default:
            throw new VncError(`the VNC server sent message type ${type}, which this client did not ask for`);
        }
      }
    } catch (err) {
      this.shutdown(err instanceof Error ? err : new VncError(String(err)));
    }
  }
  async readFramebufferUpdate() {
    await this.reader.read(1);
    const rectangles = await this.reader.u16();
    let resized = false;
    for (let i = 0; i < rectangles; i++) {
      const header = await this.reader.read(12);
      const x = header.readUInt16BE(0);
      const y = header.readUInt16BE(2);
      const width = header.readUInt16BE(4);
      const height = header.readUInt16BE(6);
      const encoding = header.readInt32BE(8);
      if (encoding === Encoding.Raw) {
        this.framebuffer.putRaw(x, y, width, height, await this.reader.read(width * height * 4));
      } else if (encoding === Encoding.CopyRect) {
        const source = await this.reader.read(4);
        this.framebuffer.copyRect(source.readUInt16BE(0), source.readUInt16BE(2), x, y, width, height);
      } else if (encoding === Encoding.DesktopSizePseudo) {
        this.framebuffer.resize(width, height);
        resized = true;
        this.logger?.debug(`VNC: the screen is now ${width}x${height}`);
      } else {
        throw new VncError(`the VNC server used encoding ${encoding}, which this client did not ask for`);
      }
    }
    for (const waiter of [...this.updateWaiters]) waiter.resolve({ resized });
    this.updateWaiters.clear();
  }
  nextUpdate({ timeoutMs = 3e4, signal }) {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => settle(() => reject(new VncError(`the VNC server sent no screen update within ${timeoutMs} ms`))), timeoutMs);
      const onAbort = () => settle(() => reject(signal.reason));
      const settle = (finish) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.updateWaiters.delete(waiter);
        finish();
      };
      const waiter = {
        resolve: (update) => settle(() => resolve(update)),
        reject: (err) => settle(() => reject(err))
      };
      this.updateWaiters.add(waiter);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
  write(message) {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.stream.write(message, (err) => {
        if (!err) return resolve();
        reject(this.failure ?? new ConnectionClosedError(`the VNC connection failed: ${err.message}`, { cause: err }));
      });
    });
  }
  /** The connection is over (an error, the server leaving, or close()): fail everything waiting. */
  shutdown(err) {
    if (this.failure) return;
    this.failure = err;
    this.reader.fail(err);
    for (const waiter of [...this.updateWaiters]) waiter.reject(err);
    this.updateWaiters.clear();
    this.stream.destroy();
  }
};

// src/core/pipeline/steps/boot-command.ts
var DEFAULT_TEXT_TIMEOUT_MS = 5 * 6e4;
var FAILURE_OCR_MS = 3e4;
function bootCommandFields(vm, handle) {
  const http2 = handle.httpEndpoint();
  return { HTTPIP: http2?.ip ?? "", HTTPPort: http2?.port ?? 0, Name: vm.vmName ?? vm.name };
}
async function typeBootCommand({ vm, handle, logDir, logger, signal, env = process.env, masker, onSecretTyped }) {
  const fields = bootCommandFields(vm, handle);
  const elements = vm.bootCommand.map((e) => renderTemplate(e, { fields }));
  const firstSecret = masker ? elements.findIndex((e) => masker.mask(e) !== e) : -1;
  let secretTyped = false;
  const secretBegins = (element) => {
    if (secretTyped || firstSecret < 0 || element < firstSecret) return;
    secretTyped = true;
    logger.info(`boot command: element ${firstSecret + 1} types a sensitive value; no more screenshots of this VM (the screen may show it)`);
    onSecretTyped?.();
  };
  const plan = planBootCommand(elements, { elementLabel: (i) => `bootCommand[${i}]` });
  const intervalMs = resolveKeyInterval({ env, ...vm.bootKeyInterval !== void 0 ? { bootKeyInterval: vm.bootKeyInterval } : {} });
  const keys = plan.events.filter((e) => "key" in e).length;
  logger.info(`boot command: ${elements.length} element(s), ${keys} key events, ${intervalMs} ms apart`);
  const vnc = await RfbClient.connect(await handle.openVnc(signal), { signal, logger });
  const waiter = new TextWaiter({ handle, vnc, logDir, logger, timeoutMs: vm.bootTextTimeout ?? DEFAULT_TEXT_TIMEOUT_MS, screenshotsAllowed: () => !secretTyped });
  const readsScreen = vm.bootWaitText?.source === "screen" || plan.events.some((e) => "waitText" in e && e.waitText.source === "screen");
  const screenTexts = [];
  let ocrWarned = false;
  const writeScreenText = (file, pixels) => {
    screenTexts.push(
      waiter.screenReader().then((reader) => reader.read(pixels)).then(({ text }) => writeFile3(textFileFor(file), text + "\n")).catch((err) => {
        if (!ocrWarned) logger.warn(`boot command: no screen text beside the screenshots: ${err instanceof Error ? err.message : String(err)}`);
        ocrWarned = true;
      })
    );
  };
  try {
    if (vm.bootWaitText) {
      logger.info(`boot wait: until ${vm.bootWaitText.source === "screen" ? "the screen" : "the serial console"} shows /${vm.bootWaitText.pattern}/`);
      await waiter.wait(vm.bootWaitText, signal);
    }
    let lastProgress = 0;
    secretBegins(0);
    await typeKeyEvents(plan, vnc, {
      intervalMs,
      signal,
      waitForText: (wait) => waiter.wait(wait, signal),
      onEvent: (index) => {
        const pct = Math.floor(100 * (index + 1) / plan.events.length);
        if (pct >= lastProgress + 25 || index + 1 === plan.events.length) {
          lastProgress = pct;
          logger.progress({ phase: "boot command", done: index + 1, total: plan.events.length, unit: "items" });
        }
      },
      onElementDone: async (element) => {
        if (element >= elements.length) return;
        if (!secretTyped) {
          const file = path4.join(logDir, `bootcommand-${String(element + 1).padStart(2, "0")}.png`);
          const pixels = await vnc.capture({ signal });
          await writeFile3(file, pixelsToPng(pixels));
          if (readsScreen) writeScreenText(file, pixels);
          logger.info(`boot command: element ${element + 1}/${elements.length} typed; screen saved to ${file}`);
        }
        secretBegins(element + 1);
      }
    });
    await Promise.all(screenTexts);
  } finally {
    waiter.close();
    await vnc.close();
  }
}
async function saveScreenshot(handle, file, signal) {
  const vnc = await RfbClient.connect(await handle.openVnc(signal), { signal, timeoutMs: 1e4 });
  let pixels;
  try {
    pixels = await vnc.capture({ signal, timeoutMs: 1e4 });
    await writeFile3(file, pixelsToPng(pixels));
  } finally {
    await vnc.close();
  }
  const text = await readScreenText(pixels, AbortSignal.timeout(FAILURE_OCR_MS)).catch(() => void 0);
  if (text !== void 0) await writeFile3(textFileFor(file), text + "\n");
  return file;
}
async function readScreenText(pixels, signal) {
  const reader = ScreenReader.open();
  try {
    const read = reader.then((r) => r.read(pixels)).then((r) => r.text);
    return await new Promise((resolve, reject) => {
      signal.addEventListener("abort", () => reject(new Error("reading the screen took too long")), { once: true });
      read.then(resolve, reject);
    });
  } finally {
    void reader.then((r) => r.close()).catch(() => {
    });
  }
}

// src/core/pipeline/failure-capture.ts
var FAILURE_SCREENSHOT = "failure.png";
var SERIAL_TAIL_FILE = "serial-tail.txt";
var SERIAL_TAIL_LINES = 30;
async function captureFailure(handle, logDir, logger, { screenshot = true } = {}) {
  const quick = AbortSignal.timeout(1e4);
  try {
    if (!screenshot) throw new Error("the boot command typed a sensitive value, which the screen may still show");
    const file = await saveScreenshot(handle, path5.join(logDir, FAILURE_SCREENSHOT), quick);
    logger.error(`last screen: ${file}`);
    const text = await readFile2(textFileFor(file), "utf8").catch(() => "");
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    if (lines.length > 0) logger.error(`last screen's text:
${lines.map((l) => `  | ${l}`).join("\n")}`);
  } catch (err) {
    logger.warn(`no screenshot: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const tail = await handle.serialTail(SERIAL_TAIL_LINES);
    if (tail.length > 0) {
      await writeFile4(path5.join(logDir, SERIAL_TAIL_FILE), tail.join("\n") + "\n");
      logger.error(`last serial console lines:
${tail.map((l) => `  | ${l}`).join("\n")}`);
    }
  } catch (err) {
    logger.warn(`no serial console: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// src/core/communicator/host-key.ts
import { createHash as createHash2 } from "node:crypto";
function sshFingerprint(rawKey) {
  return "SHA256:" + createHash2("sha256").update(rawKey).digest("base64").replace(/=+$/, "");
}
function normaliseFingerprint(text) {
  const trimmed = text.trim();
  const body = trimmed.replace(/^SHA256:/i, "").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]{43}$/.test(body)) return void 0;
  return `SHA256:${body}`;
}
var HostKeyMismatchError = class extends Error {
  constructor(expected, actual) {
    super(`the SSH host key is ${actual}, but ${expected} was pinned; refusing to authenticate`);
    this.expected = expected;
    this.actual = actual;
  }
  expected;
  actual;
  name = "HostKeyMismatchError";
};
function hostKeyCheck(pinned) {
  let seen;
  let mismatch;
  return {
    verify(rawKey) {
      seen = sshFingerprint(rawKey);
      if (pinned === void 0 || seen === pinned) return true;
      mismatch = new HostKeyMismatchError(pinned, seen);
      return false;
    },
    get seen() {
      return seen;
    },
    get mismatch() {
      return mismatch;
    }
  };
}

// src/core/communicator/ssh-auth.ts
import { readFile as readFile3 } from "node:fs/promises";
import os from "node:os";
import path6 from "node:path";
function expandHome(file) {
  if (file === "~") return os.homedir();
  if (file.startsWith("~/")) return path6.join(os.homedir(), file.slice(2));
  return file;
}
async function readPrivateKey(file, field) {
  const resolved = expandHome(file);
  let data;
  try {
    data = await readFile3(resolved);
  } catch (err) {
    throw new UserError(`${field}: cannot read the private key file ${resolved}: ${err.message}`);
  }
  const ssh2 = (await import("./lib-3U5UTLYO.js")).default;
  const parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw new UserError(`${field}: ${resolved} is not a usable private key (${parsed.message})` + (encrypted ? "; passphrase-protected keys are not supported, use sshAgentAuth instead" : ""));
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key?.isPrivateKey()) throw new UserError(`${field}: ${resolved} holds a public key, not a private key`);
  return data;
}
async function authMethods(creds, fieldPrefix, env = process.env) {
  const { username } = creds;
  const methods = [];
  if (creds.agentAuth) {
    const sock = env.SSH_AUTH_SOCK;
    if (!sock) throw new UserError(`${fieldPrefix}AgentAuth is true but SSH_AUTH_SOCK is not set: start an ssh-agent or give a key or password`);
    methods.push({ type: "agent", username, agent: sock });
  }
  if (creds.privateKeyFile) {
    methods.push({ type: "publickey", username, key: await readPrivateKey(creds.privateKeyFile, `${fieldPrefix}PrivateKeyFile`) });
  }
  if (creds.password !== void 0) {
    const password = creds.password;
    methods.push({ type: "password", username, password });
    methods.push({
      type: "keyboard-interactive",
      username,
      // Every prompt gets the password: that is what a password prompt wants, and Packer does the same.
      prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password))
    });
  }
  if (methods.length === 0) {
    throw new UserError(`no SSH credentials: set ${fieldPrefix}Password, ${fieldPrefix}PrivateKeyFile or ${fieldPrefix}AgentAuth`);
  }
  return methods;
}

// src/core/communicator/ssh-banner.ts
import net from "node:net";
var PROBE_EVERY_MS = 250;
function probeSshBanner(host, port, timeoutMs) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let seen = "";
    const done = (ok) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on("data", (chunk) => {
      seen += chunk.toString("latin1");
      if (seen.includes("SSH-")) done(true);
      else if (seen.length > 4096) done(false);
    });
    socket.on("error", () => done(false));
    socket.on("close", () => done(false));
  });
}
async function pauseUntilSshBanner(host, port, maxMs, signal) {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    signal.throwIfAborted();
    const left = until - Date.now();
    if (await probeSshBanner(host, port, Math.min(1e3, left))) return true;
    await sleep(Math.min(PROBE_EVERY_MS, Math.max(0, until - Date.now())), signal);
  }
  return false;
}

// src/core/communicator/ssh-communicator.ts
import { constants as osConstants } from "node:os";
import { Readable } from "node:stream";

// src/core/communicator/shell-quote.ts
function shellQuote(value) {
  return `'${escapeSingleQuoted(value)}'`;
}
function escapeSingleQuoted(value) {
  return value.replaceAll("'", `'"'"'`);
}

// src/core/communicator/exec-fs.ts
var LIST_SCRIPT = `for f in * .[!.]* ..?*; do
  if [ -e "$f" ]; then
    if [ -d "$f" ]; then t=d; elif [ -f "$f" ]; then t=f; else t=o; fi
    if [ -x "$f" ]; then x=x; else x=-; fi
    printf '%s%s %s\\0' "$t" "$x" "$f"
  fi
done`;
var ExecFs = class {
  constructor(exec) {
    this.exec = exec;
  }
  exec;
  kind = "exec";
  async run(command, what, options = {}) {
    const out = [];
    const err = [];
    const result = await this.exec(command, {
      onStdout: options.onStdout ?? ((c) => out.push(c)),
      onStderr: (c) => err.push(c),
      ...options.stdin === void 0 ? {} : { stdin: options.stdin },
      ...options.signal ? { signal: options.signal } : {}
    });
    if (result.disconnected) throw new Error(`the connection dropped while ${what}`);
    if (result.exitCode !== 0) {
      const detail = Buffer.concat(err).toString("utf8").trim();
      throw new Error(`${what} failed (exit ${result.exitCode ?? result.exitSignal})${detail ? `: ${detail}` : ""}`);
    }
    return Buffer.concat(out);
  }
  async mkdirp(dir, signal) {
    await this.run(`mkdir -p ${shellQuote(dir)}`, `creating ${dir}`, signal ? { signal } : {});
  }
  async writeFile(file, data, mode, signal) {
    const q = shellQuote(file);
    const octal = (mode & 4095).toString(8).padStart(4, "0");
    await this.run(`cat > ${q} && chmod ${octal} ${q}`, `writing ${file}`, { stdin: data, ...signal ? { signal } : {} });
  }
  async readFile(file, out, signal) {
    let failed;
    try {
      await this.run(`cat ${shellQuote(file)}`, `reading ${file}`, {
        onStdout: (chunk) => {
          out.write(chunk);
        },
        ...signal ? { signal } : {}
      });
    } catch (err) {
      failed = err;
    }
    await new Promise((resolve) => out.end(resolve));
    if (failed) throw failed;
  }
  async stat(path12, signal) {
    const q = shellQuote(path12);
    const answer = (await this.run(`if [ -d ${q} ]; then echo d; elif [ -f ${q} ]; then echo f; elif [ -e ${q} ]; then echo o; else echo n; fi; [ -x ${q} ] && echo x || echo -`, `checking ${path12}`, signal ? { signal } : {})).toString("utf8").split("\n");
    const kind = answer[0];
    if (kind === "n") return void 0;
    const type = kind === "d" ? "directory" : kind === "f" ? "file" : "other";
    return { type, mode: modeFor(type, answer[1] === "x") };
  }
  async list(dir, signal) {
    const raw = await this.run(`cd ${shellQuote(dir)} && ${LIST_SCRIPT}`, `listing ${dir}`, signal ? { signal } : {});
    const entries = [];
    for (const record of raw.toString("utf8").split("\0")) {
      if (record.length < 4) continue;
      const type = record[0] === "d" ? "directory" : record[0] === "f" ? "file" : "other";
      entries.push({ name: record.slice(3), type, mode: modeFor(type, record[1] === "x") });
    }
    return entries;
  }
};
function modeFor(type, executable) {
  return type === "directory" || executable ? 493 : 420;
}

// src/core/communicator/sftp-fs.ts
import { pipeline } from "node:stream/promises";
var SFTP_NO_SUCH_FILE = 2;
var SFTP_OP_UNSUPPORTED = 8;
function typeOf(stats) {
  if (stats.isDirectory()) return "directory";
  if (stats.isFile()) return "file";
  return "other";
}
function promised(fn) {
  return new Promise((resolve, reject) => fn((err, value) => err ? reject(err) : resolve(value)));
}
function isNoSuchFile(err) {
  return err.code === SFTP_NO_SUCH_FILE;
}
var SftpFs = class {
  constructor(sftp) {
    this.sftp = sftp;
  }
  sftp;
  kind = "sftp";
  async mkdirp(dir) {
    const existing = await this.stat(dir);
    if (existing?.type === "directory") return;
    if (existing) throw new Error(`${dir} exists and is not a directory`);
    const parent = dir.replace(/\/+[^/]*\/*$/, "");
    if (parent && parent !== dir) await this.mkdirp(parent);
    try {
      await promised((cb) => this.sftp.mkdir(dir, (err) => cb(err, void 0)));
    } catch (err) {
      if ((await this.stat(dir))?.type !== "directory") throw new Error(`cannot create the remote directory ${dir}: ${err.message}`);
    }
  }
  async writeFile(file, data, mode, signal) {
    const out = this.sftp.createWriteStream(file, { mode });
    await pipeline(data, out, ...signal ? [{ signal }] : []);
    await promised((cb) => this.sftp.chmod(file, mode, (err) => cb(err, void 0))).catch((err) => {
      if (err.code !== SFTP_OP_UNSUPPORTED) throw err;
    });
  }
  async readFile(file, out, signal) {
    await pipeline(this.sftp.createReadStream(file), out, ...signal ? [{ signal }] : []);
  }
  async stat(path12) {
    try {
      const stats = await promised((cb) => this.sftp.stat(path12, cb));
      return { type: typeOf(stats), mode: stats.mode & 4095, size: stats.size };
    } catch (err) {
      if (isNoSuchFile(err)) return void 0;
      throw err;
    }
  }
  async list(dir) {
    const entries = await promised((cb) => this.sftp.readdir(dir, cb));
    const result = [];
    for (const e of entries) {
      if (e.filename === "." || e.filename === "..") continue;
      let attrs = e.attrs;
      if (e.attrs.isSymbolicLink()) {
        const target = await this.stat(`${dir.replace(/\/+$/, "")}/${e.filename}`);
        if (!target) continue;
        attrs = target;
      }
      const type = "type" in attrs ? attrs.type : typeOf(attrs);
      const mode = attrs.mode === void 0 ? void 0 : attrs.mode & 4095;
      result.push({ name: e.filename, type, ...mode === void 0 ? {} : { mode } });
    }
    return result;
  }
};

// src/core/communicator/transfer.ts
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir as readdir2, stat as stat2 } from "node:fs/promises";
import path7 from "node:path";
import { Transform } from "node:stream";

// src/core/communicator/transfer-paths.ts
function hasTrailingSlash(p) {
  return p.length > 1 && (p.endsWith("/") || p.endsWith("\\"));
}
function stripTrailingSlashes(p) {
  const stripped = p.replace(/[/\\]+$/, "");
  return stripped === "" && p.startsWith("/") ? "/" : stripped;
}
function baseName(p) {
  const s = stripTrailingSlashes(p);
  const i = Math.max(s.lastIndexOf("/"), s.lastIndexOf("\\"));
  return i < 0 ? s : s.slice(i + 1);
}
function remoteDirName(p) {
  const s = stripTrailingSlashes(p);
  const i = s.lastIndexOf("/");
  if (i < 0) return ".";
  if (i === 0) return "/";
  return s.slice(0, i);
}
function remoteJoin(dir, name) {
  if (dir === "" || dir === ".") return name;
  return `${stripTrailingSlashes(dir) === "/" ? "" : stripTrailingSlashes(dir)}/${name}`;
}
function planUpload(localPath, localIsDirectory, remotePath) {
  if (localIsDirectory) {
    const target2 = hasTrailingSlash(localPath) ? stripTrailingSlashes(remotePath) : remoteJoin(remotePath, baseName(localPath));
    return { target: target2, kind: "directory" };
  }
  const target = hasTrailingSlash(remotePath) ? remoteJoin(remotePath, baseName(localPath)) : remotePath;
  return { target, kind: "file" };
}
function planDownload(remotePath, localPath, localIsDirectory) {
  if (hasTrailingSlash(remotePath)) return stripTrailingSlashes(localPath);
  if (hasTrailingSlash(localPath) || localIsDirectory) return `${stripTrailingSlashes(localPath)}/${baseName(remotePath)}`;
  return localPath;
}
function isGlob(p) {
  return /[*?[]/.test(baseName(p));
}
function globToRegExp(pattern) {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) {
        re += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, close);
      const negate = body.startsWith("!") || body.startsWith("^");
      if (negate) body = body.slice(1);
      re += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\]/g, (m) => `\\${m}`);
  }
  const dotRule = pattern.startsWith(".") ? "" : "(?!\\.)";
  return new RegExp(`^${dotRule}${re}$`, "s");
}

// src/core/communicator/transfer.ts
var ByteCounter = class {
  constructor(phase, total, report, intervalMs = 1e3) {
    this.phase = phase;
    this.total = total;
    this.report = report;
    this.intervalMs = intervalMs;
  }
  phase;
  total;
  report;
  intervalMs;
  done = 0;
  last = 0;
  through() {
    return new Transform({
      transform: (chunk, _enc, cb) => {
        this.add(chunk.length);
        cb(null, chunk);
      }
    });
  }
  add(n) {
    this.done += n;
    const now = Date.now();
    if (this.report && now - this.last >= this.intervalMs) {
      this.last = now;
      this.emit();
    }
  }
  finish() {
    this.emit();
  }
  emit() {
    this.report?.({ phase: this.phase, done: this.done, unit: "bytes", ...this.total === void 0 ? {} : { total: this.total } });
  }
};
async function walkLocal(dir, remoteDir, files, dirs) {
  dirs.push(remoteDir);
  const entries = await readdir2(dir);
  entries.sort();
  for (const name of entries) {
    const local = path7.join(dir, name);
    const st = await stat2(local);
    const remote = remoteJoin(remoteDir, name);
    if (st.isDirectory()) await walkLocal(local, remote, files, dirs);
    else if (st.isFile()) files.push({ local, remote, size: st.size, mode: st.mode & 4095 });
  }
}
async function uploadLocalPath(fs, localPath, remotePath, options = {}) {
  let st;
  try {
    st = await stat2(localPath);
  } catch (err) {
    throw new Error(`cannot upload ${localPath}: ${err.message}`);
  }
  const plan = planUpload(localPath, st.isDirectory(), remotePath);
  const files = [];
  const dirs = [];
  if (plan.kind === "directory") await walkLocal(localPath, plan.target, files, dirs);
  else files.push({ local: localPath, remote: plan.target, size: st.size, mode: st.mode & 4095 });
  const total = files.reduce((n, f) => n + f.size, 0);
  const counter = new ByteCounter(`upload ${baseName(localPath) || localPath} \u2192 ${plan.target}`, total, options.onProgress);
  if (plan.kind === "file") await fs.mkdirp(remoteDirName(plan.target), options.signal);
  for (const d of dirs) await fs.mkdirp(d, options.signal);
  for (const f of files) {
    const source = createReadStream(f.local).pipe(counter.through());
    await fs.writeFile(f.remote, source, f.mode, options.signal);
  }
  counter.finish();
}
async function uploadData(fs, remotePath, data, mode, options = {}) {
  await fs.mkdirp(remoteDirName(remotePath), options.signal);
  await fs.writeFile(remotePath, data, mode, options.signal);
}
async function isLocalDirectory(p) {
  try {
    return (await stat2(p)).isDirectory();
  } catch {
    return false;
  }
}
async function downloadFile(fs, remote, local, mode, counter, signal) {
  await mkdir(path7.dirname(local), { recursive: true, mode: 493 });
  const out = createWriteStream(local, { mode: mode ?? 420 });
  const counting = counter.through();
  counting.pipe(out);
  const written = new Promise((resolve, reject) => {
    out.once("finish", resolve);
    out.once("error", reject);
  });
  try {
    await fs.readFile(remote, counting, signal);
    await written;
  } catch (err) {
    out.destroy();
    throw err;
  }
}
async function downloadTree(fs, remoteDir, localDir, counter, signal) {
  await mkdir(localDir, { recursive: true, mode: 493 });
  for (const e of await fs.list(remoteDir, signal)) {
    const remote = remoteJoin(remoteDir, e.name);
    const local = path7.join(localDir, e.name);
    if (e.type === "directory") await downloadTree(fs, remote, local, counter, signal);
    else if (e.type === "file") await downloadFile(fs, remote, local, e.mode, counter, signal);
  }
}
async function downloadRemotePath(fs, remotePath, localPath, options = {}) {
  const counter = new ByteCounter(`download ${remotePath} \u2192 ${localPath}`, void 0, options.onProgress);
  const { signal } = options;
  if (isGlob(remotePath)) {
    const dir = remoteDirName(remotePath);
    const pattern = globToRegExp(baseName(remotePath));
    const matches = (await fs.list(dir, signal)).filter((e) => pattern.test(e.name));
    if (matches.length === 0) throw new Error(`no remote file matches ${remotePath}`);
    for (const m of matches) {
      const remote = remoteJoin(dir, m.name);
      const local = path7.join(localPath, m.name);
      if (m.type === "directory") await downloadTree(fs, remote, local, counter, signal);
      else if (m.type === "file") await downloadFile(fs, remote, local, m.mode, counter, signal);
    }
    counter.finish();
    return;
  }
  const st = await fs.stat(remotePath, signal);
  if (!st) throw new Error(`the remote path ${remotePath} does not exist`);
  const target = planDownload(remotePath, localPath, await isLocalDirectory(localPath));
  if (st.type === "directory") await downloadTree(fs, remotePath, target, counter, signal);
  else if (st.type === "file") await downloadFile(fs, remotePath, target, st.mode, counter, signal);
  else throw new Error(`the remote path ${remotePath} is neither a file nor a directory`);
  counter.finish();
}

// src/core/communicator/types.ts
var ConnectionLostError = class extends Error {
  name = "ConnectionLostError";
};
var CMD_DISCONNECT = 2300218;

// src/core/communicator/ssh-communicator.ts
function toReadable(data) {
  return typeof data === "string" || Buffer.isBuffer(data) ? Readable.from([Buffer.from(data)]) : data;
}
function killRemote(channel) {
  const internals = channel;
  try {
    const id = internals.outgoing?.id;
    if (id !== void 0 && internals.outgoing?.state !== "closed" && internals.outgoing?.state !== "closing") internals._client?._protocol?.signal(id, "KILL");
    channel.close();
  } catch {
  }
}
function signalNumber(name) {
  return osConstants.signals[`SIG${name}`];
}
var SshCommunicator = class {
  constructor(conn, options) {
    this.conn = conn;
    this.options = options;
    this.hostKeyFingerprint = conn.hostKeyFingerprint;
    conn.client.on("error", (err) => options.logger.debug(`ssh: ${err.message}`));
    conn.client.once("close", () => {
      this.closed = true;
      for (const l of this.closeListeners) l();
      this.closeListeners.clear();
    });
  }
  conn;
  options;
  closed = false;
  fs;
  closeListeners = /* @__PURE__ */ new Set();
  hostKeyFingerprint;
  /** False once the connection has dropped or been closed. */
  get connected() {
    return !this.closed;
  }
  /** Calls `listener` once when the connection goes away; returns an unsubscribe function. */
  onClose(listener) {
    if (this.closed) {
      listener();
      return () => {
      };
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }
  get client() {
    if (this.closed) throw new ConnectionLostError("the SSH connection is closed");
    return this.conn.client;
  }
  async exec(command, options = {}) {
    const { signal } = options;
    signal?.throwIfAborted();
    const client = this.client;
    const pty = options.pty ?? this.options.pty;
    return new Promise((resolve, reject) => {
      let exitCode;
      let exitSignal;
      let channel;
      let done = false;
      const finish = (err) => {
        if (done) return;
        done = true;
        signal?.removeEventListener("abort", onAbort);
        if (err) return reject(err);
        if (exitCode === void 0 && exitSignal === void 0) return resolve({ disconnected: true });
        const code = exitCode ?? 128 + (signalNumber(exitSignal ?? "") ?? 0);
        resolve({ exitCode: code, ...exitSignal ? { exitSignal } : {}, disconnected: false });
      };
      const onAbort = () => {
        if (channel) killRemote(channel);
        finish(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const lost = (message) => new ConnectionLostError(`the SSH connection dropped: ${message}`);
      try {
        client.exec(command, pty ? { pty: { term: "xterm", rows: 40, cols: 80 } } : {}, (err, ch) => {
          if (err) return finish(this.closed ? lost(err.message) : err);
          channel = ch;
          if (done) return killRemote(ch);
          ch.on("exit", (code, sig) => {
            if (typeof code === "number") exitCode = code;
            else if (sig) exitSignal = sig.replace(/^SIG/, "");
          });
          ch.on("data", (chunk) => options.onStdout?.(chunk));
          ch.stderr.on("data", (chunk) => options.onStderr?.(chunk));
          ch.on("error", (e) => this.options.logger.debug(`ssh channel: ${e.message}`));
          ch.once("close", () => finish());
          if (options.stdin === void 0) {
            ch.end();
          } else {
            const input = toReadable(options.stdin);
            input.on("error", (e) => {
              killRemote(ch);
              finish(e);
            });
            input.pipe(ch);
          }
        });
      } catch (err) {
        finish(this.closed || /not connected/i.test(err.message) ? lost(err.message) : err);
      }
    });
  }
  /** The file-transfer backend, chosen once per connection. */
  remoteFs() {
    this.fs ??= this.chooseFs();
    return this.fs;
  }
  async chooseFs() {
    const execFs = new ExecFs((cmd, opts) => this.exec(cmd, { ...opts, pty: false }));
    if (this.options.fileTransfer === "exec") return execFs;
    try {
      const sftp = await new Promise((resolve, reject) => {
        try {
          this.client.sftp((err, s) => err ? reject(err) : resolve(s));
        } catch (err) {
          reject(err);
        }
      });
      return new SftpFs(sftp);
    } catch (err) {
      if (this.closed) {
        this.fs = void 0;
        throw new ConnectionLostError(`the SSH connection dropped: ${err.message}`);
      }
      this.options.logger.debug(`SFTP is not available (${err.message}); transferring files with remote commands`);
      return execFs;
    }
  }
  async transfer(what, fn) {
    const fs = await this.remoteFs();
    try {
      return await fn(fs);
    } catch (err) {
      if (this.closed && !(err instanceof ConnectionLostError)) throw new ConnectionLostError(`the SSH connection dropped while ${what}: ${err.message}`);
      throw err;
    }
  }
  progress = (p) => this.options.logger.progress(p);
  async upload(remotePath, data, mode = 420, signal) {
    await this.transfer(`uploading ${remotePath}`, (fs) => uploadData(fs, remotePath, toReadable(data), mode, signal ? { signal } : {}));
  }
  async uploadPath(localPath, remotePath, signal) {
    await this.transfer(`uploading ${localPath}`, (fs) => uploadLocalPath(fs, localPath, remotePath, { onProgress: this.progress, ...signal ? { signal } : {} }));
  }
  async downloadPath(remotePath, localPath, signal) {
    await this.transfer(`downloading ${remotePath}`, (fs) => downloadRemotePath(fs, remotePath, localPath, { onProgress: this.progress, ...signal ? { signal } : {} }));
  }
  /** Which transfer backend this connection uses ("sftp" or "exec"); opens it if needed. */
  async fileTransferKind() {
    return (await this.remoteFs()).kind;
  }
  async close() {
    if (this.closed) return;
    await new Promise((resolve) => {
      this.conn.client.once("close", () => resolve());
      this.conn.client.end();
      setTimeout(() => {
        this.conn.client.destroy();
        resolve();
      }, 2e3).unref();
    });
    this.conn.bastion?.end();
  }
};

// src/core/communicator/ssh-dial.ts
import net2 from "node:net";
var DialError = class extends Error {
  constructor(kind, endpoint, message, options) {
    super(message, options);
    this.kind = kind;
    this.endpoint = endpoint;
  }
  kind;
  endpoint;
  name = "DialError";
};
var SOCKET_CODE_KIND = {
  ECONNREFUSED: "refused",
  ECONNRESET: "handshake",
  EPIPE: "handshake",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  ETIMEDOUT: "unreachable",
  ENOTFOUND: "unreachable",
  EAI_AGAIN: "unreachable"
};
function classify(err, check, endpoint, auth) {
  if (err instanceof DialError) return err;
  if (check.mismatch) return new DialError("host-key", endpoint, check.mismatch.message, { cause: err });
  const level = err.level ?? "";
  if (level === "client-authentication") {
    const user = auth[0]?.username ?? "";
    const tried = [...new Set(auth.map((m) => m.type))].join(", ");
    return new DialError("auth", endpoint, `unable to authenticate as "${user}" (tried ${tried}): the server rejected the credentials`, { cause: err });
  }
  if (level === "client-timeout") return new DialError("handshake-timeout", endpoint, "timeout during the SSH handshake", { cause: err });
  if (level === "client-dns") return new DialError("unreachable", endpoint, err.message, { cause: err });
  if (level === "client-socket" && err.code) {
    const kind = SOCKET_CODE_KIND[err.code] ?? "unreachable";
    const text = kind === "refused" ? "connection refused" : kind === "handshake" ? `connection reset during the SSH handshake (${err.code})` : err.message;
    return new DialError(kind, endpoint, text, { cause: err });
  }
  return new DialError("handshake", endpoint, `SSH handshake failed: ${err.message}`, { cause: err });
}
var loadSsh2 = () => import("./lib-3U5UTLYO.js");
var ssh2Module;
async function connectClient(config, auth, check, endpoint, signal) {
  const ssh2 = (await (ssh2Module ??= loadSsh2())).default;
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let settled = false;
    const settle = (err) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      if (err) {
        client.destroy();
        reject(err);
      } else {
        resolve(client);
      }
    };
    const onAbort = () => settle(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    client.on("error", (err) => settle(classify(err, check, endpoint, auth)));
    client.once("close", () => settle(new DialError("handshake", endpoint, "the server closed the connection during the SSH handshake")));
    client.once("ready", () => settle());
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      client.connect({ ...config, username: auth[0]?.username ?? "", authHandler: auth, hostVerifier: (key) => check.verify(key) });
    } catch (err) {
      settle(classify(err, check, endpoint, auth));
    }
  });
}
function forwardThrough(bastion, host, port, endpoint) {
  return new Promise((resolve, reject) => {
    bastion.forwardOut("127.0.0.1", 0, host, port, (err, stream) => {
      if (!err) return resolve(stream);
      const refused = /refused|connect failed/i.test(err.message) || err.reason === 2;
      reject(new DialError(refused ? "refused" : "unreachable", endpoint, `the bastion could not reach ${host}:${port}: ${err.message}`, { cause: err }));
    });
  });
}
async function dialSsh(options) {
  const { target, bastion: hop, signal } = options;
  const common = {
    readyTimeout: options.handshakeTimeout,
    keepaliveInterval: options.keepAliveInterval > 0 ? timerDelay(options.keepAliveInterval) : 0,
    // Packer closes the connection after a few unanswered keepalives; ssh2's count does that.
    keepaliveCountMax: 3,
    ...options.debug ? { debug: options.debug } : {}
  };
  const endpoint = `${target.host}:${target.port}`;
  const targetCheck = hostKeyCheck(target.hostKeyFingerprint);
  let bastion;
  try {
    let sock;
    if (hop) {
      const hopEndpoint = `bastion ${hop.host}:${hop.port}`;
      bastion = await connectClient({ ...common, host: hop.host, port: hop.port }, hop.auth, hostKeyCheck(hop.hostKeyFingerprint), hopEndpoint, signal);
      sock = await forwardThrough(bastion, target.host, target.port, endpoint);
    }
    if (!sock && options.onServerBytes) {
      const direct = net2.connect({ host: target.host, port: target.port });
      sock = direct;
      const connecting = connectClient({ ...common, sock }, target.auth, targetCheck, endpoint, signal);
      direct.once("data", options.onServerBytes);
      const client2 = await connecting;
      return { client: client2, hostKeyFingerprint: targetCheck.seen };
    }
    const client = await connectClient(sock ? { ...common, sock } : { ...common, host: target.host, port: target.port }, target.auth, targetCheck, endpoint, signal);
    if (bastion) {
      const b = bastion;
      client.once("close", () => b.end());
    }
    return { client, ...bastion ? { bastion } : {}, hostKeyFingerprint: targetCheck.seen };
  } catch (err) {
    bastion?.destroy();
    throw err;
  }
}

// src/core/communicator/ssh-connect.ts
var PACKER_RETRY_INTERVAL = 5e3;
var PACKER_HANDSHAKE_ERROR_PAUSE = 2e3;
var DEFAULT_HANDSHAKE_TIMEOUT = 6e4;
function retryPause(last, interval = PACKER_RETRY_INTERVAL, handshakePause = PACKER_HANDSHAKE_ERROR_PAUSE) {
  return interval + (last === "handshake" || last === "handshake-timeout" || last === "auth" ? handshakePause : 0);
}
function describeKind(err) {
  switch (err.kind) {
    case "refused":
      return `connection refused by ${err.endpoint}`;
    case "handshake-timeout":
      return `handshake timeout with ${err.endpoint}`;
    case "auth":
      return `authentication failed at ${err.endpoint}: ${err.message}`;
    default:
      return `${err.endpoint}: ${err.message}`;
  }
}
function timeoutAdvice(config, last, authFailures) {
  if (last.kind !== "auth") return "Check that the guest runs an SSH server reachable on that port, or raise communicator.sshTimeout.";
  const offered = [
    config.sshPassword !== void 0 ? "a password (communicator.sshPassword)" : void 0,
    config.sshPrivateKeyFile ? `the key in ${config.sshPrivateKeyFile} (communicator.sshPrivateKeyFile)` : void 0,
    config.sshAgentAuth ? "the keys of the SSH agent (communicator.sshAgentAuth)" : void 0
  ].filter((o) => o !== void 0);
  return `The SSH server answered but rejected the credentials (${authFailures} time(s)): user '${config.sshUsername}' with ${offered.length > 0 ? offered.join(", ") : "no password or key"}. Check communicator.sshUsername and the password or key, and that the guest has that user with them by then (a cloud-init seed, preseed or kickstart that sets them must have run), or raise communicator.sshTimeout if it sets them late.`;
}
async function dialTargets(config, address, options) {
  if (!config.sshUsername) throw new UserError("communicator.sshUsername: an SSH username is required to connect");
  const env = options.env ?? process.env;
  let pinned;
  if (options.hostKeyFingerprint !== void 0) {
    pinned = normaliseFingerprint(options.hostKeyFingerprint);
    if (!pinned) throw new UserError(`host key fingerprint "${options.hostKeyFingerprint}" is not an OpenSSH SHA256 fingerprint (SHA256:<43 base64 characters>, as ssh-keygen -lf prints)`);
  }
  const target = {
    host: address.host,
    port: address.port,
    auth: await authMethods(
      {
        username: config.sshUsername,
        ...config.sshPassword !== void 0 ? { password: config.sshPassword } : {},
        ...config.sshPrivateKeyFile ? { privateKeyFile: config.sshPrivateKeyFile } : {},
        agentAuth: config.sshAgentAuth
      },
      "ssh",
      env
    ),
    ...pinned ? { hostKeyFingerprint: pinned } : {}
  };
  if (!config.sshBastionHost) return { target };
  const keyFile = config.sshBastionPrivateKeyFile ?? config.sshPrivateKeyFile;
  const bastion = {
    host: config.sshBastionHost,
    port: config.sshBastionPort,
    auth: await authMethods(
      {
        username: config.sshBastionUsername ?? config.sshUsername,
        ...config.sshBastionPassword !== void 0 ? { password: config.sshBastionPassword } : {},
        ...keyFile ? { privateKeyFile: keyFile } : {},
        agentAuth: false
      },
      "sshBastion",
      env
    )
  };
  return { target, bastion };
}
async function connectSsh(config, address, options) {
  const { logger, signal } = options;
  options.masker?.add(config.sshPassword);
  options.masker?.add(config.sshBastionPassword);
  const targets = await dialTargets(config, address, options);
  let communicator = await waitForSsh(config, targets, options);
  if (config.pauseBeforeConnecting > 0 && !options.reconnect) {
    await communicator.close();
    logger.info(`Pausing ${formatGoDuration(config.pauseBeforeConnecting)} before connecting...`);
    await sleep(config.pauseBeforeConnecting, signal);
    communicator = await waitForSsh(config, targets, options);
  }
  return communicator;
}
async function waitForSsh(config, targets, options) {
  const { logger, signal } = options;
  const retryInterval = options.retryInterval ?? PACKER_RETRY_INTERVAL;
  const handshakePause = options.handshakeErrorPause ?? PACKER_HANDSHAKE_ERROR_PAUSE;
  const handshakeTimeout = options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
  const started = Date.now();
  const deadline = config.sshTimeout > 0 ? started + config.sshTimeout : Infinity;
  const where = `${config.sshUsername}@${targets.target.host}:${targets.target.port}${targets.bastion ? ` via ${targets.bastion.host}:${targets.bastion.port}` : ""}`;
  logger.info(`Waiting for SSH to become available on ${where}...`);
  let authFailures = 0;
  let replaced = 0;
  let last;
  for (let attempt2 = 1; ; attempt2++) {
    if (last) {
      const wait = Math.min(retryPause(last.kind, retryInterval, handshakePause), Math.max(0, deadline - Date.now()));
      if (!targets.bastion && last.kind !== "auth" && options.probeBanner !== false) await pauseUntilSshBanner(targets.target.host, targets.target.port, wait, signal);
      else await sleep(wait, signal);
    }
    signal.throwIfAborted();
    if (Date.now() >= deadline && last) {
      throw new UserError(
        `Timeout waiting for SSH: no SSH session with ${where} after ${formatGoDuration(config.sshTimeout)} (${attempt2 - 1} tries); last error: ${describeKind(last)}. ` + timeoutAdvice(config, last, authFailures)
      );
    }
    const watchStale = !targets.bastion && options.probeBanner !== false;
    const stale = watchStale ? new StaleDialWatch(targets.target, deadline, signal, STALE_GRACE_MS * 2 ** replaced) : void 0;
    try {
      const remaining = deadline - Date.now();
      const dialed = await dialSsh({
        ...targets,
        keepAliveInterval: config.sshKeepAliveInterval,
        handshakeTimeout: Math.max(1e3, Math.min(handshakeTimeout, remaining)),
        signal: stale?.signal ?? signal,
        ...stale ? { onServerBytes: () => stale.serverSpoke() } : {}
      });
      stale?.stop();
      logger.info("Connected to SSH!");
      if (dialed.hostKeyFingerprint) logger.debug(`SSH host key ${dialed.hostKeyFingerprint}`);
      return new SshCommunicator(dialed, { pty: config.sshPty, logger, ...options.fileTransfer ? { fileTransfer: options.fileTransfer } : {} });
    } catch (err) {
      stale?.stop();
      if (stale?.fired && !signal.aborted) {
        logger.debug(`SSH try ${attempt2}: a fresh connection shows the SSH banner while this one still waits on the port forward; connecting again`);
        last = void 0;
        replaced++;
        continue;
      }
      if (!(err instanceof DialError)) throw err;
      last = err;
      logger.debug(`SSH try ${attempt2} failed: ${describeKind(err)}`);
      if (err.kind === "host-key") throw new UserError(`SSH host key check failed for ${where}: ${err.message}`);
      if (err.kind === "auth") {
        authFailures++;
        if (config.sshHandshakeAttempts > 0 && authFailures >= config.sshHandshakeAttempts) {
          throw new UserError(
            `SSH authentication failed ${authFailures} time(s) for ${where}: ${err.message}. Check communicator.sshUsername and sshPassword / sshPrivateKeyFile, or raise sshHandshakeAttempts if the guest sets its credentials late.`
          );
        }
      }
    }
  }
}
var STALE_GRACE_MS = 300;
var StaleDialWatch = class {
  controller = new AbortController();
  watching = new AbortController();
  spoke = false;
  fired = false;
  signal;
  constructor(target, deadline, outer, graceMs) {
    this.signal = AbortSignal.any([outer, this.controller.signal]);
    const watch = AbortSignal.any([outer, this.watching.signal]);
    const supersede = async () => {
      if (!await pauseUntilSshBanner(target.host, target.port, Math.max(0, deadline - Date.now()), watch)) return;
      await sleep(graceMs, watch);
      if (this.spoke || watch.aborted) return;
      this.fired = true;
      this.controller.abort(new Error("superseded by a fresh connection"));
    };
    supersede().catch(() => void 0);
  }
  serverSpoke() {
    this.spoke = true;
    this.watching.abort();
  }
  stop() {
    this.watching.abort();
  }
};

// src/core/httpserver/http-server.ts
var import_node_http = __toESM(require_http(), 1);
import { realpath, stat as stat3 } from "node:fs/promises";
import path8 from "node:path";

// src/core/httpserver/content-type.ts
var TYPES = {
  ".cfg": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".sh": "text/x-shellscript; charset=utf-8",
  ".ks": "text/plain; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".yaml": "application/yaml",
  ".yml": "application/yaml",
  ".iso": "application/octet-stream"
};
function contentTypeFor(file) {
  const dot = file.lastIndexOf(".");
  return (dot >= 0 ? TYPES[file.slice(dot).toLowerCase()] : void 0) ?? "application/octet-stream";
}

// src/core/httpserver/http-server.ts
async function resolveInside(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return void 0;
  }
  if (decoded.includes("\0")) return void 0;
  const candidate = path8.resolve(root, "." + path8.posix.normalize("/" + decoded));
  const realRoot = await realpath(root);
  let real;
  try {
    real = await realpath(candidate);
  } catch {
    return void 0;
  }
  if (real !== realRoot && !real.startsWith(realRoot + path8.sep)) return void 0;
  return real;
}
async function startHttpServer(options) {
  const { source, logger } = options;
  const requests = [];
  const server = import_node_http.default.createServer((req, res) => {
    const urlPath = (req.url ?? "/").split(/[?#]/, 1)[0] || "/";
    const done = (status, bytes) => {
      requests.push({ method: req.method ?? "?", path: urlPath, status, bytes });
      logger.info(`http: ${req.method} ${urlPath} \u2192 ${status} (${bytes} B) from ${req.socket.remoteAddress}`);
    };
    const fail = (status, text) => {
      res.writeHead(status, { "content-type": "text/plain" }).end(text + "\n");
      done(status, 0);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return fail(405, "method not allowed");
    void serve(urlPath, req.method === "HEAD").catch((err) => {
      logger.warn(`http: ${urlPath}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) fail(500, "internal error");
      else res.destroy();
    });
    async function serve(p, headOnly) {
      if ("content" in source) {
        const body = source.content[p];
        if (body === void 0) return fail(404, "not found");
        const buf = Buffer.from(body);
        res.writeHead(200, { "content-type": contentTypeFor(p), "content-length": buf.length });
        res.end(headOnly ? void 0 : buf);
        return done(200, buf.length);
      }
      let file = await resolveInside(source.directory, p);
      if (file && (await stat3(file)).isDirectory()) {
        file = await resolveInside(source.directory, path8.posix.join(p, "index.html"));
      }
      if (!file) return fail(404, "not found");
      let opened;
      try {
        opened = await openRegularFile(file);
      } catch (err) {
        if (!(err instanceof NotRegularFileError)) throw err;
        logger.warn(`http: ${p}: ${err.message}; refused`);
        return fail(403, "not a regular file");
      }
      const { handle, stats } = opened;
      const size = stats.size;
      res.writeHead(200, { "content-type": contentTypeFor(file), "content-length": size });
      if (headOnly) {
        await handle.close();
        res.end();
        return done(200, 0);
      }
      handle.createReadStream().on("error", (err) => res.destroy(err)).on("end", () => done(200, size)).pipe(res);
    }
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address();
  logger.info(`http: serving ${"directory" in source ? source.directory : `${Object.keys(source.content).length} inline file(s)`} on ${host}:${port}`);
  return {
    port,
    host,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })
  };
}

// src/core/pipeline/steps/export-output.ts
import { rename as rename2, rm, stat as stat4, writeFile as writeFile5 } from "node:fs/promises";
import path9 from "node:path";
function outputImagePath(outputDir, layer, vm) {
  return path9.join(outputDir, outputFileName(layer, vm));
}
async function exportOutput({ layer, vm, handle, phases, outputDir, logger, timeoutMs = 0, sbom }) {
  const image = outputImagePath(outputDir, layer, vm);
  const checksumFile = `${image}.sha256`;
  const sbomFile = sbomBeside(image);
  const pendingImage = `${image}.new.partial`;
  const pendingChecksum = `${checksumFile}.new.partial`;
  const pendingSbom = `${sbomFile}.new.partial`;
  let sha256;
  try {
    await phases.run("export disk", (s) => handle.exportDisk({ destination: pendingImage, format: vm.output.format, compress: vm.output.compress, compressionType: vm.output.compressionType, logger, signal: s }), {
      timeoutMs
    });
    sha256 = await phases.run("checksum", (s) => sha256OfFile(pendingImage, s));
    await writeFile5(pendingChecksum, checksumLine(sha256, image));
    if (sbom) await writeFile5(pendingSbom, JSON.stringify(sbom, null, 2) + "\n");
    await rm(checksumFile, { force: true });
    await rm(sbomFile, { force: true });
    await rename2(pendingImage, image);
    await rename2(pendingChecksum, checksumFile);
    if (sbom) await rename2(pendingSbom, sbomFile);
  } finally {
    await rm(pendingImage, { force: true });
    await rm(pendingChecksum, { force: true });
    await rm(pendingSbom, { force: true });
  }
  const { size } = await stat4(image);
  logger.info(`output: ${image} (${vm.output.format}${vm.output.compress ? ", compressed" : ""}, sha256 ${sha256})`);
  if (sbom) logger.info(`sbom: ${sbomFile}`);
  return { layer: layer.name, vm: vm.name, image, format: vm.output.format, compressed: vm.output.compress, bytes: size, sha256, checksumFile, ...sbom ? { sbom: sbomFile } : {} };
}

// src/core/provisioners/context.ts
var PACKER_DELAYS = {
  retry: 2e3,
  provisionerRetry: 2e3,
  windowsPoll: 5e3,
  rebootInProgress: 1e4,
  afterRestartCommand: 5e3
};
var ProvisionerError = class extends UserError {
  name = "ProvisionerError";
};
var ProvisionerTimeoutError = class extends ProvisionerError {
  name = "ProvisionerTimeoutError";
};

// src/core/provisioners/file.ts
import { mkdtemp, rm as rm2, writeFile as writeFile6 } from "node:fs/promises";
import os2 from "node:os";
import path10 from "node:path";
function resolveLocal(buildDir, p) {
  const abs = path10.resolve(buildDir, p);
  return /[/\\]$/.test(p) && !abs.endsWith(path10.sep) ? abs + path10.sep : abs;
}
async function transfer(session, what, fn) {
  try {
    await session.use(fn);
  } catch (err) {
    if (!(err instanceof ConnectionLostError)) throw new ProvisionerError(`${what}: ${err.message}`);
    await session.use(fn).catch((e) => {
      throw new ProvisionerError(`${what}: ${e.message}`);
    });
  }
}
async function runFile(p, ctx, session, logger, signal) {
  if (!p.destination) throw new ProvisionerError("file: destination is required");
  if (p.direction === "download") {
    const dest = resolveLocal(ctx.buildDir, p.destination);
    for (const source of p.sources) {
      logger.info(`Downloading ${source} => ${dest}`);
      await transfer(session, `downloading ${source}`, (comm) => comm.downloadPath(source, dest, signal));
    }
    return;
  }
  let tempDir;
  try {
    const sources = p.sources.map((s) => resolveLocal(ctx.buildDir, s));
    if (p.content !== void 0) {
      tempDir = await mkdtemp(path10.join(os2.tmpdir(), "ruddervirt-file-"));
      const file = path10.join(tempDir, "pkr-file-content");
      await writeFile6(file, p.content, { mode: 420 });
      sources.push(file);
    }
    if (sources.length === 0) throw new ProvisionerError("file: nothing to upload (set source, sources or content)");
    for (const source of sources) {
      logger.info(`Uploading ${p.content !== void 0 && source.endsWith("pkr-file-content") ? "content" : source} => ${p.destination}`);
      const hint = p.destination.endsWith("/") ? "" : ` (if ${p.destination} is a folder, end destination with '/')`;
      await transfer(session, `uploading ${source}`, (comm) => comm.uploadPath(source, p.destination, signal)).catch((err) => {
        throw err instanceof ProvisionerError && hint ? new ProvisionerError(err.message + hint) : err;
      });
    }
  } finally {
    if (tempDir) await rm2(tempDir, { recursive: true, force: true });
  }
}

// src/core/provisioners/remote-session.ts
var RemoteSession = class {
  constructor(ctx, logger) {
    this.ctx = ctx;
    this.logger = logger;
    this.comm = ctx.comm;
  }
  ctx;
  logger;
  comm;
  lost = false;
  /** The communicator to hand back to the pipeline when the provisioner is done. */
  get current() {
    return this.comm;
  }
  /** The connection dropped (a command reported a disconnect); the next use reconnects. */
  markLost() {
    this.lost = true;
  }
  /** Runs `fn` on a live communicator; a ConnectionLostError marks it lost and is rethrown. */
  async use(fn) {
    if (this.lost) await this.reconnect();
    try {
      return await fn(this.comm);
    } catch (err) {
      if (err instanceof ConnectionLostError) this.lost = true;
      throw err;
    }
  }
  async reconnect() {
    this.logger.info("Reconnecting to the guest...");
    const old = this.comm;
    await old.close().catch(() => {
    });
    this.comm = await this.ctx.reconnect();
    this.lost = false;
    return this.comm;
  }
};
function isFatal(err, signal) {
  return signal.aborted || err instanceof ProvisionerError && !(err instanceof RetryableError);
}
var RetryableError = class extends ProvisionerError {
  name = "RetryableError";
};
async function retryFor(what, limitMs, delayMs, signal, logger, fn) {
  const deadline = Date.now() + limitMs;
  for (; ; ) {
    try {
      return await fn();
    } catch (err) {
      if (isFatal(err, signal)) throw err;
      const message = err instanceof Error ? err.message : String(err);
      if (Date.now() + delayMs > deadline) {
        throw new ProvisionerError(limitMs > 0 ? `${what}: still failing after ${formatGoDuration(limitMs)}: ${message}` : `${what}: ${message}`);
      }
      logger.debug(`Retryable error: ${what}: ${message}`);
      await sleep(delayMs, signal);
    }
  }
}

// src/core/provisioners/shell.ts
import { randomInt } from "node:crypto";
import { mkdtemp as mkdtemp2, rm as rm3, writeFile as writeFile7 } from "node:fs/promises";
import os3 from "node:os";
import path11 from "node:path";
import { Transform as Transform2 } from "node:stream";

// src/core/provisioners/output-lines.ts
import { StringDecoder as StringDecoder2 } from "node:string_decoder";
var MAX_PENDING = 64 * 1024;
var HELD_TAIL = 8 * 1024;
var LineSplitter = class {
  constructor(emit) {
    this.emit = emit;
  }
  emit;
  decoder = new StringDecoder2("utf8");
  pending = "";
  push(chunk) {
    this.pending += this.decoder.write(chunk);
    let nl;
    while ((nl = this.pending.indexOf("\n")) >= 0) {
      this.emit(this.pending.slice(0, nl).replace(/\r$/, ""));
      this.pending = this.pending.slice(nl + 1);
    }
    if (this.pending.length > MAX_PENDING) {
      let cut = this.pending.length - HELD_TAIL;
      if (/[\ud800-\udbff]/.test(this.pending[cut - 1])) cut -= 1;
      this.emit(this.pending.slice(0, cut));
      this.pending = this.pending.slice(cut);
    }
  }
  end() {
    this.pending += this.decoder.end();
    if (this.pending) this.emit(this.pending.replace(/\r$/, ""));
    this.pending = "";
  }
};

// src/core/provisioners/shell-env.ts
var POSIX_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
function shellEnvironment(input) {
  const vars = /* @__PURE__ */ new Map();
  if (input.buildName !== void 0) vars.set("PACKER_BUILD_NAME", input.buildName);
  if (input.builderType !== void 0) vars.set("PACKER_BUILDER_TYPE", input.builderType);
  if (input.httpIp && input.httpPort !== void 0 && String(input.httpPort) !== "0") {
    vars.set("PACKER_HTTP_IP", input.httpIp);
    vars.set("PACKER_HTTP_PORT", String(input.httpPort));
    vars.set("PACKER_HTTP_ADDR", `${input.httpIp}:${input.httpPort}`);
  }
  input.environmentVars.forEach((assignment, i) => {
    const eq = assignment.indexOf("=");
    if (eq <= 0 || !POSIX_NAME.test(assignment.slice(0, eq))) throw new ProvisionerError(`environmentVars[${i}]: "${assignment}" is not KEY=value with KEY a variable name`);
    vars.set(assignment.slice(0, eq), assignment.slice(eq + 1));
  });
  for (const [k, v] of Object.entries(input.env)) {
    if (!POSIX_NAME.test(k)) throw new ProvisionerError(`env: "${k}" is not a variable name`);
    vars.set(k, v);
  }
  return [...vars.entries()].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
}
function inlineVars(vars) {
  return vars.map(([k, v]) => `${k}='${escapeSingleQuoted(v)}' `).join("");
}
function envVarFile(vars) {
  return vars.map(([k, v]) => `export ${k}='${escapeSingleQuoted(v)}'
`).join("");
}

// src/core/provisioners/shell.ts
function crlfToLf() {
  let carry = false;
  return new Transform2({
    transform(chunk, _enc, cb) {
      let text = chunk.toString("latin1");
      if (carry) text = "\r" + text;
      carry = text.endsWith("\r");
      if (carry) text = text.slice(0, -1);
      cb(null, Buffer.from(text.replace(/\r\n/g, "\n"), "latin1"));
    },
    flush(cb) {
      cb(null, carry ? Buffer.from("\r", "latin1") : null);
    }
  });
}
function render(template, fields, field) {
  try {
    return renderTemplate(template, { fields });
  } catch (err) {
    if (err instanceof TemplateError) throw new ProvisionerError(`${field}: ${err.message} (at character ${err.offset + 1} of "${template}")`);
    throw err;
  }
}
async function execStreaming(session, command, logger, signal) {
  const out = new LineSplitter((line) => logger.info(line));
  const err = new LineSplitter((line) => logger.warn(line));
  try {
    return await session.use((comm) => comm.exec(command, { onStdout: (c) => out.push(c), onStderr: (c) => err.push(c), signal }));
  } finally {
    out.end();
    err.end();
  }
}
async function openScript(script) {
  try {
    return (await openRegularFile(script.localPath)).handle;
  } catch (err) {
    if (err instanceof NotRegularFileError) throw new ProvisionerError(`shell: script ${script.label}: ${err.message}`);
    throw err;
  }
}
async function runShell(p, ctx, session, logger, signal) {
  const delays = { ...PACKER_DELAYS, ...ctx.delays };
  const remoteFile = p.remoteFile ?? `script_${randomInt(0, 9999)}.sh`;
  const remotePath = p.remotePath ?? `${p.remoteFolder.replace(/\/+$/, "")}/${remoteFile}`;
  const fields = { ...ctx.vars };
  const httpIp = fields.HTTPIP;
  const env = shellEnvironment({
    environmentVars: p.environmentVars,
    env: p.env,
    ...ctx.buildName !== void 0 ? { buildName: ctx.buildName } : {},
    ...ctx.builderType !== void 0 ? { builderType: ctx.builderType } : {},
    ...httpIp !== void 0 ? { httpIp: String(httpIp) } : {},
    ...fields.HTTPPort !== void 0 ? { httpPort: fields.HTTPPort } : {}
  });
  const envVarFilePath = p.useEnvVarFile ? `${p.remoteFolder.replace(/\/+$/, "")}/varfile_${randomInt(0, 9999)}.sh` : "";
  let tempDir;
  try {
    const scripts = [];
    if (p.inline && p.inline.length > 0) {
      tempDir = await mkdtemp2(path11.join(os3.tmpdir(), "ruddervirt-shell-"));
      const file = path11.join(tempDir, "inline.sh");
      const lines = p.inline.map((line, i) => render(line, fields, `inline[${i}]`));
      await writeFile7(file, `#!${p.inlineShebang}
${lines.map((l) => l + "\n").join("")}`, { mode: 384 });
      scripts.push({ label: "inline commands", localPath: file });
    } else {
      for (const s of [...p.script ? [p.script] : [], ...p.scripts ?? []]) {
        scripts.push({ label: s, localPath: path11.resolve(ctx.buildDir, s) });
      }
    }
    if (scripts.length === 0) throw new ProvisionerError("shell: nothing to run (set inline, script or scripts)");
    for (const script of scripts) await (await openScript(script)).close();
    if (p.useEnvVarFile) {
      const content = envVarFile(env);
      await retryFor("uploading the environment variable file", p.startRetryTimeout, delays.retry, signal, logger, () => session.use((comm) => comm.upload(envVarFilePath, content, 384, signal)));
    }
    const command = render(p.executeCommand, { ...fields, Path: remotePath, Vars: inlineVars(env), EnvVarFile: envVarFilePath, Command: remotePath }, "executeCommand");
    for (const script of scripts) {
      logger.info(`Provisioning with shell script: ${script.label}`);
      const result = await retryFor(`running ${script.label}`, p.startRetryTimeout, delays.retry, signal, logger, async () => {
        await session.use(async (comm) => {
          let data = (await openScript(script)).createReadStream();
          if (!p.binary) data = data.pipe(crlfToLf());
          return comm.upload(remotePath, data, 493, signal);
        });
        return execStreaming(session, command, logger, signal);
      });
      checkResult(p, result, session, script.label);
      if (!p.skipClean) {
        await retryFor(`removing ${remotePath}`, p.startRetryTimeout, delays.retry, signal, logger, () => removeRemote(session, remotePath, signal));
      }
    }
    if (p.useEnvVarFile && !p.skipClean) {
      await retryFor(`removing ${envVarFilePath}`, p.startRetryTimeout, delays.retry, signal, logger, () => removeRemote(session, envVarFilePath, signal));
    }
  } finally {
    if (tempDir) await rm3(tempDir, { recursive: true, force: true });
  }
}
function checkResult(p, result, session, label) {
  if (result.disconnected) session.markLost();
  const code = result.disconnected ? CMD_DISCONNECT : result.exitCode ?? CMD_DISCONNECT;
  if (code === CMD_DISCONNECT && result.disconnected) {
    if (p.expectDisconnect || p.validExitCodes.includes(CMD_DISCONNECT)) return;
    throw new ProvisionerError(
      `${label}: the script disconnected unexpectedly. If you expected your script to disconnect (a restart, for instance), set expectDisconnect: true or validExitCodes: [0, ${CMD_DISCONNECT}] on the shell provisioner.`
    );
  }
  if (!p.validExitCodes.includes(code)) {
    const how = result.exitSignal ? ` (killed by SIG${result.exitSignal})` : "";
    throw new ProvisionerError(`${label}: script exited with non-zero exit status: ${code}${how}. Allowed exit codes are: [${p.validExitCodes.join(", ")}]`);
  }
}
async function removeRemote(session, remotePath, signal) {
  const r = await session.use((comm) => comm.exec(`rm -f ${shellQuote(remotePath)}`, { signal }));
  if (r.disconnected) {
    session.markLost();
    throw new Error("the connection dropped during cleanup");
  }
  if (r.exitCode !== 0) throw new Error(`rm -f ${remotePath} exited with ${r.exitCode}`);
}

// src/core/provisioners/powershell.ts
function encodedPowerShell(script) {
  return `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${Buffer.from(script, "utf16le").toString("base64")}`;
}
function psQuote(value) {
  return `'${value.replaceAll("'", "''")}'`;
}

// src/core/provisioners/windows-restart.ts
var TRY_RESTART_COMMAND = 'shutdown /r /f /t 60 /c "packer restart test"';
var ABORT_RESTART_COMMAND = "shutdown /a";
var PENDING_REBOOT_KEYS = [
  "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending",
  "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\PackagesPending",
  "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootInProgress"
];
var REGISTRY_CHECK_COMMAND = encodedPowerShell(`foreach ($key in @(${PENDING_REBOOT_KEYS.map(psQuote).join(", ")})) { if (Test-Path -LiteralPath $key) { Write-Output $key } }`);
var RESTART_IN_PROGRESS = /* @__PURE__ */ new Set([1115, 1190, 1717]);
var RESTART_COMMAND_OK = /* @__PURE__ */ new Set([0, 1115, 1190]);
async function run(session, command, logger, signal) {
  let stdout = "";
  const stderr = new LineSplitter((line) => logger.debug(line));
  const r = await session.use(
    (comm) => comm.exec(command, {
      onStdout: (c) => {
        stdout += c.toString("utf8");
      },
      onStderr: (c) => stderr.push(c),
      signal
    })
  ).finally(() => stderr.end());
  if (r.disconnected) session.markLost();
  return { code: r.disconnected ? void 0 : r.exitCode, stdout };
}
async function runWindowsRestart(p, ctx, session, logger, signal) {
  const delays = { ...PACKER_DELAYS, ...ctx.delays };
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new ProvisionerError(`Timeout waiting for the machine to restart (restartTimeout ${formatGoDuration(p.restartTimeout)}).`)), timerDelay(p.restartTimeout));
  const bounded = AbortSignal.any([signal, timeout.signal]);
  let lastFailure = "";
  try {
    logger.info("Restarting the machine...");
    await retryFor("running the restart command", Number.POSITIVE_INFINITY, delays.windowsPoll, bounded, logger, async () => {
      const r = await execStreaming(session, p.restartCommand, logger, bounded);
      if (r.disconnected) return session.markLost();
      if (!RESTART_COMMAND_OK.has(r.exitCode ?? -1)) {
        lastFailure = `the restart command exited with ${r.exitCode}`;
        throw new RetryableError(lastFailure);
      }
    });
    lastFailure = "";
    await sleep(delays.afterRestartCommand, bounded);
    await waitUntilRestarting(session, logger, bounded, delays);
    logger.info("Waiting for the machine to come back...");
    await waitForCheck(p, session, logger, bounded, delays.windowsPoll);
    if (p.checkRegistry) await waitForRegistry(session, logger, bounded, delays.windowsPoll);
    logger.info("Machine successfully restarted, moving on");
  } catch (err) {
    if (timeout.signal.aborted && !signal.aborted) {
      const reason = timeout.signal.reason;
      throw lastFailure ? new ProvisionerError(`${reason.message} Last failure: ${lastFailure}`) : reason;
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
async function waitUntilRestarting(session, logger, signal, delays) {
  for (; ; ) {
    logger.debug("Checking whether the machine is restarting...");
    let code;
    try {
      code = (await run(session, TRY_RESTART_COMMAND, logger, signal)).code;
    } catch (err) {
      if (signal.aborted) throw err;
      return;
    }
    if (code === void 0 || code === 1) return;
    if (RESTART_IN_PROGRESS.has(code)) {
      logger.info("A restart is already in progress, waiting...");
      await sleep(delays.rebootInProgress, signal);
      continue;
    }
    if (code === 0) {
      await run(session, ABORT_RESTART_COMMAND, logger, signal).catch(() => void 0);
      return;
    }
    await sleep(delays.windowsPoll, signal);
  }
}
async function waitForCheck(p, session, logger, signal, poll) {
  for (; ; ) {
    try {
      const { code, stdout } = await run(session, p.restartCheckCommand, logger, signal);
      if (code !== void 0 && stdout.includes("restarted.")) {
        logger.info(stdout.trim());
        return;
      }
    } catch (err) {
      if (signal.aborted) throw err;
      logger.debug(`restart check: ${err.message}`);
      if (!(err instanceof ConnectionLostError)) session.markLost();
    }
    await sleep(poll, signal);
  }
}
async function waitForRegistry(session, logger, signal, poll) {
  let reported = "";
  for (; ; ) {
    try {
      const { code, stdout } = await run(session, REGISTRY_CHECK_COMMAND, logger, signal);
      if (code === 0) {
        const pending = stdout.split(/\r?\n/).filter(Boolean);
        if (pending.length === 0) return;
        const now = pending.join(", ");
        if (now !== reported) logger.info(`Waiting for the pending-reboot registry keys to go away: ${now}`);
        reported = now;
      }
    } catch (err) {
      if (signal.aborted) throw err;
      logger.debug(`registry check: ${err.message}`);
    }
    await sleep(poll, signal);
  }
}

// src/core/provisioners/windows-update-script.ts
var UPDATE_SCRIPT_PATH = "C:/Windows/Temp/ruddervirt-windows-update.ps1";
var ELEVATED_RUNNER_PATH = "C:/Windows/Temp/ruddervirt-elevated.ps1";
var EXIT_RESTART_NEEDED = 101;
function parseFilters(filters) {
  return filters.map((f, i) => {
    const m = /^(include|exclude):(.+)$/s.exec(f.trim());
    if (!m) throw new ProvisionerError(`windows-update filters[${i}]: "${f}" must be include:EXPRESSION or exclude:EXPRESSION`);
    return { include: m[1] === "include", expression: m[2].trim() };
  });
}
function windowsUpdateScript(options) {
  const filters = parseFilters(options.filters).map((f) => `  @{ Include = $${f.include}; Test = [ScriptBlock]::Create(${psQuote(f.expression)}) }`).join(",\n");
  return `# Generated by RudderVirt's windows-update provisioner.
param([switch]$OnlyCheckForRebootRequired)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$searchCriteria = ${psQuote(options.searchCriteria)}
$updateLimit = ${Math.max(1, Math.floor(options.updateLimit))}
$filters = @(
${filters}
)

# The first filter whose expression holds for the update decides; none matching means "skip".
function Test-Wanted($update) {
  foreach ($filter in $filters) {
    if (@($update | Where-Object -FilterScript $filter.Test).Count -gt 0) { return $filter.Include }
  }
  return $false
}

# Why Windows wants a restart, or $null when it does not.
function Get-PendingRestartReason {
  if ((New-Object -ComObject Microsoft.Update.SystemInfo).RebootRequired) { return 'Windows Update says a restart is required' }
  $packages = 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\PackagesPending'
  if ((Test-Path -LiteralPath $packages) -and @(Get-ChildItem -LiteralPath $packages).Count -gt 0) { return 'component servicing has packages pending' }
  return $null
}

function Exit-ForRestart([string]$reason) {
  Write-Output "A restart is needed: $reason."
  # TiWorker (the servicing worker) goes on after installs; restarting under it can lose work.
  Write-Output 'Waiting until TiWorker.exe has stayed stopped for 15 seconds...'
  $quietSince = Get-Date
  while (((Get-Date) - $quietSince).TotalSeconds -lt 15) {
    if (Get-Process -Name TiWorker -ErrorAction SilentlyContinue) { $quietSince = Get-Date }
    Start-Sleep -Seconds 1
  }
  exit ${EXIT_RESTART_NEEDED}
}

$pending = Get-PendingRestartReason
if ($pending) { Exit-ForRestart $pending }
if ($OnlyCheckForRebootRequired) {
  Write-Output 'No restart is pending.'
  exit 0
}

$session = New-Object -ComObject Microsoft.Update.Session
$session.ClientApplicationID = 'RudderVirt'
$installed = 0
while ($true) {
  Write-Output "Searching for updates: $searchCriteria"
  $found = $session.CreateUpdateSearcher().Search($searchCriteria).Updates
  $batch = New-Object -ComObject Microsoft.Update.UpdateColl
  $moreLeft = $false
  foreach ($update in $found) {
    if (-not (Test-Wanted $update)) { Write-Output "Skipped by the filters: $($update.Title)"; continue }
    if ($update.InstallationBehavior.CanRequestUserInput) { Write-Output "Skipped (it asks for user input): $($update.Title)"; continue }
    if ($installed + $batch.Count -ge $updateLimit) { $moreLeft = $true; break }
    if (-not $update.EulaAccepted) { $update.AcceptEula() | Out-Null }
    Write-Output "Selected: $($update.Title)"
    $batch.Add($update) | Out-Null
  }
  if ($batch.Count -eq 0) {
    if ($moreLeft) { Exit-ForRestart "the updateLimit of $updateLimit was reached with updates left" }
    Write-Output 'There are no more updates to install.'
    exit 0
  }

  Write-Output "Downloading $($batch.Count) update(s)..."
  $downloader = $session.CreateUpdateDownloader()
  $downloader.Updates = $batch
  $download = $downloader.Download()
  # OperationResultCode: 2 succeeded, 3 succeeded with errors.
  if ($download.ResultCode -ne 2 -and $download.ResultCode -ne 3) { Write-Output "Downloading failed (result code $($download.ResultCode))."; exit 1 }

  Write-Output "Installing $($batch.Count) update(s)..."
  $installer = $session.CreateUpdateInstaller()
  $installer.Updates = $batch
  $result = $installer.Install()
  for ($i = 0; $i -lt $batch.Count; $i++) {
    Write-Output ("  {0}: result code {1}" -f $batch.Item($i).Title, $result.GetUpdateResult($i).ResultCode)
  }
  if ($result.ResultCode -ne 2 -and $result.ResultCode -ne 3) { Write-Output "Installing failed (result code $($result.ResultCode))."; exit 1 }
  $installed += $batch.Count

  if ($result.RebootRequired) { Exit-ForRestart 'the installed updates require it' }
  if ($moreLeft) { Exit-ForRestart "the updateLimit of $updateLimit was reached with updates left" }
  $pending = Get-PendingRestartReason
  if ($pending) { Exit-ForRestart $pending }
  # Installing can make new updates applicable (servicing stacks): search again.
}
`;
}
var ELEVATED_RUNNER_SCRIPT = `# Generated by RudderVirt's windows-update provisioner.
param([Parameter(Mandatory = $true)][string]$ScriptPath, [string]$ScriptArguments = '')
$ErrorActionPreference = 'Stop'
$name = 'ruddervirt-' + [guid]::NewGuid().ToString('N')
$log = Join-Path $env:SystemRoot "Temp\\$name.log"
$exitFile = Join-Path $env:SystemRoot "Temp\\$name.exit"

$inner = "& '$($ScriptPath.Replace("'", "''"))' $ScriptArguments *> '$log'; Set-Content -LiteralPath '$exitFile' -Value ([string]\`$LASTEXITCODE)"
$encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($inner))
$action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument "-NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand $encoded"
$principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
$settings = New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -ExecutionTimeLimit ([TimeSpan]::Zero)
Register-ScheduledTask -TaskName $name -Action $action -Principal $principal -Settings $settings | Out-Null

$printed = 0
function Write-NewLines([bool]$all) {
  if (-not (Test-Path -LiteralPath $log)) { return }
  $lines = @(Get-Content -LiteralPath $log -ErrorAction SilentlyContinue)
  # While the task runs, its last line may be incomplete: hold it back.
  $upTo = if ($all) { $lines.Count } else { $lines.Count - 1 }
  for ($i = $script:printed; $i -lt $upTo; $i++) { Write-Output $lines[$i] }
  if ($upTo -gt $script:printed) { $script:printed = $upTo }
}

try {
  Start-ScheduledTask -TaskName $name
  do {
    Start-Sleep -Seconds 1
    Write-NewLines $false
    $state = (Get-ScheduledTask -TaskName $name).State
  } while ($state -eq 'Running' -or $state -eq 'Queued')
  # The exit file is written as the task's last act; give the file system a moment.
  for ($i = 0; $i -lt 10 -and -not (Test-Path -LiteralPath $exitFile); $i++) { Start-Sleep -Seconds 1 }
  Write-NewLines $true
  if (-not (Test-Path -LiteralPath $exitFile)) { Write-Output "The elevated task $name ended without an exit code (state $state)."; exit 1 }
  exit [int]((Get-Content -LiteralPath $exitFile -Raw).Trim())
} finally {
  Unregister-ScheduledTask -TaskName $name -Confirm:$false -ErrorAction SilentlyContinue
  Remove-Item -LiteralPath $log, $exitFile -ErrorAction SilentlyContinue
}
`;
function updateCommand(checkOnly) {
  const args = checkOnly ? " -ScriptArguments '-OnlyCheckForRebootRequired'" : "";
  return `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File ${ELEVATED_RUNNER_PATH} -ScriptPath ${UPDATE_SCRIPT_PATH}${args}`;
}

// src/core/provisioners/windows-update.ts
var UPDATE_RESTART_COMMAND = 'shutdown.exe -f -r -t 0 -c "packer restart"';
var UPDATE_TEST_RESTART_COMMAND = 'shutdown.exe -f -r -t 60 -c "packer restart test"';
var UPDATE_ABORT_RESTART_COMMAND = "shutdown.exe -a";
var UPLOAD_RETRY_LIMIT = 5 * 6e4;
var DroppedError = class extends RetryableError {
  name = "DroppedError";
};
async function exitCodeOf(session, command, logger, signal) {
  const r = await execStreaming(session, command, logger, signal);
  if (r.disconnected) {
    session.markLost();
    throw new DroppedError("the connection dropped");
  }
  return r.exitCode ?? -1;
}
async function runWindowsUpdate(p, ctx, session, logger, signal) {
  const delays = { ...PACKER_DELAYS, ...ctx.delays };
  const script = windowsUpdateScript({ searchCriteria: p.searchCriteria, filters: p.filters, updateLimit: p.updateLimit });
  logger.info("Uploading the Windows update scripts...");
  await retryFor(
    "uploading the update scripts",
    UPLOAD_RETRY_LIMIT,
    delays.windowsPoll,
    signal,
    logger,
    () => session.use(async (comm) => {
      await comm.upload(ELEVATED_RUNNER_PATH, ELEVATED_RUNNER_SCRIPT, 420, signal);
      await comm.upload(UPDATE_SCRIPT_PATH, script, 420, signal);
    })
  );
  let restarts = 0;
  for (; ; ) {
    logger.info("Running Windows update...");
    const code = await runUpdateScript(p, session, logger, signal, delays);
    if (code === 0) {
      logger.info(restarts ? `Windows is up to date (${restarts} restart(s)).` : "Windows is up to date.");
      return;
    }
    for (; ; ) {
      if (restarts >= p.maxReboots) {
        throw new ProvisionerError(
          `Windows still asks for a restart after ${restarts} restart(s) (maxReboots ${p.maxReboots}); an update may be failing in a loop. Exclude it with a filter (exclude:$_.Title -like "*KB\u2026*") or raise maxReboots.`
        );
      }
      restarts++;
      await restartAndWait(p, session, logger, signal, delays);
      const pending = await checkPendingRestart(p, session, logger, signal, delays);
      if (!pending) break;
      logger.info("Another restart is pending.");
    }
  }
}
async function runUpdateScript(p, session, logger, signal, delays) {
  const tries = Math.max(1, p.updateMaxRetries);
  let last = "";
  for (let attempt2 = 1; attempt2 <= tries; attempt2++) {
    try {
      const code = await exitCodeOf(session, updateCommand(false), logger, signal);
      if (code === 0 || code === EXIT_RESTART_NEEDED) return code;
      last = `the update script exited with ${code}`;
    } catch (err) {
      if (signal.aborted || err instanceof ProvisionerError && !(err instanceof RetryableError)) throw err;
      last = err.message;
    }
    if (attempt2 < tries) {
      logger.warn(`Windows update failed (${last}); retrying (${tries - attempt2} left)...`);
      await sleep(delays.windowsPoll, signal);
    }
  }
  throw new ProvisionerError(`Windows update failed ${tries} time(s); last: ${last}`);
}
async function restartAndWait(p, session, logger, signal, delays) {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new ProvisionerError(`Timeout waiting for the machine to restart (restartTimeout ${formatGoDuration(p.restartTimeout)}).`)), timerDelay(p.restartTimeout));
  const bounded = AbortSignal.any([signal, timeout.signal]);
  let lastFailure = "";
  const step = (what, fn) => retryFor(
    what,
    Number.POSITIVE_INFINITY,
    delays.windowsPoll,
    bounded,
    logger,
    () => fn().catch((err) => {
      lastFailure = `${what}: ${err.message}`;
      throw err;
    })
  );
  try {
    logger.info("Restarting the machine...");
    await step("restarting", async () => {
      try {
        const code = await exitCodeOf(session, UPDATE_RESTART_COMMAND, logger, bounded);
        if (code !== 0) throw new RetryableError(`the restart command exited with ${code}`);
      } catch (err) {
        if (err instanceof DroppedError) return;
        throw err;
      }
    });
    logger.info("Waiting for the machine to come back...");
    await step("waiting for the restart", async () => {
      const code = await exitCodeOf(session, UPDATE_TEST_RESTART_COMMAND, logger, bounded);
      if (code !== 0) throw new RetryableError(`the test restart exited with ${code}`);
    });
    await step("cancelling the test restart", async () => {
      const code = await exitCodeOf(session, UPDATE_ABORT_RESTART_COMMAND, logger, bounded);
      if (code !== 0) throw new RetryableError(`shutdown.exe -a exited with ${code}`);
    });
  } catch (err) {
    if (timeout.signal.aborted && !signal.aborted) {
      const reason = timeout.signal.reason;
      throw lastFailure ? new ProvisionerError(`${reason.message} Last failure: ${lastFailure}`) : reason;
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
async function checkPendingRestart(p, session, logger, signal, delays) {
  return retryFor("checking for a pending restart", p.restartTimeout, delays.windowsPoll, signal, logger, async () => {
    const code = await exitCodeOf(session, updateCommand(true), logger, signal);
    if (code === 0) return false;
    if (code === EXIT_RESTART_NEEDED) return true;
    throw new RetryableError(`the pending-restart check exited with ${code}`);
  });
}

// src/core/provisioners/run-provisioner.ts
function isBug(err) {
  return err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError;
}
function provisionerLabel(p, vmName) {
  const own = p.name ?? p.type;
  return vmName ? `${vmName}/${own}` : own;
}
async function runOnce(p, ctx, session, logger, signal) {
  switch (p.type) {
    case "shell":
      return runShell(p, ctx, session, logger, signal);
    case "file":
      return runFile(p, ctx, session, logger, signal);
    case "windows-restart":
      return runWindowsRestart(p, ctx, session, logger, signal);
    case "windows-update":
      return runWindowsUpdate(p, ctx, session, logger, signal);
  }
}
async function attempt(p, ctx, session, logger) {
  if (p.pauseBefore > 0) {
    logger.info(`Pausing ${formatGoDuration(p.pauseBefore)} before the next provisioner...`);
    await sleep(p.pauseBefore, ctx.signal);
  }
  if (p.timeout <= 0) return runOnce(p, ctx, session, logger, ctx.signal);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new ProvisionerTimeoutError(`timed out after ${formatGoDuration(p.timeout)} (timeout)`)), timerDelay(p.timeout));
  try {
    await runOnce(p, ctx, session, logger, AbortSignal.any([ctx.signal, deadline.signal]));
  } catch (err) {
    if (deadline.signal.aborted && !ctx.signal.aborted) throw deadline.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
async function runProvisioner(p, ctx) {
  const logger = ctx.logger.child(provisionerLabel(p, ctx.vmName));
  const session = new RemoteSession(ctx, logger);
  const delays = { ...PACKER_DELAYS, ...ctx.delays };
  const tries = Math.max(0, p.maxRetries) + 1;
  for (let left = tries - 1; ; left--) {
    try {
      await attempt(p, ctx, session, logger);
      return session.current;
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : err;
      const message = err instanceof Error ? err.message : String(err);
      if (left <= 0) {
        if (isBug(err)) throw err;
        const Kind = err instanceof ProvisionerTimeoutError ? ProvisionerTimeoutError : ProvisionerError;
        throw new Kind(`${provisionerLabel(p, ctx.vmName)}: ${message}`);
      }
      logger.warn(`Provisioner failed with "${message}", retrying with ${left} trie(s) left`);
      await sleep(delays.provisionerRetry, ctx.signal);
    }
  }
}

// src/core/pipeline/steps/provision.ts
async function runProvisioners(req) {
  const { build, vm, handle, phases, logger } = req;
  let comm = req.comm;
  const vars = bootCommandFields(vm, handle);
  const peerEnv = peerEnvironment(req.peers ?? []);
  for (const [i, declared] of vm.provisioners.entries()) {
    const p = declared.type === "shell" && Object.keys(peerEnv).length > 0 ? { ...declared, env: { ...peerEnv, ...declared.env } } : declared;
    comm = await phases.run(
      `provision ${i + 1}/${vm.provisioners.length}: ${provisionerLabel(p)}`,
      (s) => runProvisioner(p, {
        comm,
        logger,
        vars,
        buildDir: build.dir,
        signal: s,
        reconnect: () => req.reconnect(s),
        vmName: vm.name,
        buildName: build.name,
        builderType: "ruddervirt"
      }),
      { timeoutMs: req.provisionTimeoutMs }
    );
  }
  return comm;
}

// src/core/pipeline/steps/shutdown.ts
async function shutdownVm({ vm, handle, comm, logger, signal }) {
  if (vm.shutdownCommand && comm) {
    logger.info(`shutdown: running shutdownCommand`);
    const out = new LineSplitter((line) => logger.info(line));
    const err = new LineSplitter((line) => logger.info(line));
    void comm.exec(vm.shutdownCommand, { signal, onStdout: (c) => out.push(c), onStderr: (c) => err.push(c) }).finally(() => {
      out.end();
      err.end();
    }).then((r) => {
      if (r.exitCode !== void 0 && r.exitCode !== 0) logger.warn(`shutdownCommand exited with status ${r.exitCode}`);
    }).catch(() => void 0);
  } else if (vm.communicator.type === "none") {
    logger.info(`shutdown: waiting up to ${formatGoDuration(vm.shutdownTimeout)} for the guest to power off`);
  } else {
    logger.info("shutdown: pressing the ACPI power button");
    await handle.powerOff();
  }
  if (await handle.waitForShutdown(vm.shutdownTimeout, signal)) {
    logger.info("shutdown: the VM stopped");
    return;
  }
  logger.warn(`shutdown: the VM did not stop within shutdownTimeout (${formatGoDuration(vm.shutdownTimeout)}); forcing it off \u2014 the image may hold an unclean filesystem`);
  await handle.stop();
}

// src/core/sbom/package-db.ts
var PROBE_COMMAND = "if command -v dpkg-query >/dev/null 2>&1 && [ -f /var/lib/dpkg/status ]; then echo dpkg; elif command -v rpm >/dev/null 2>&1 && { [ -d /var/lib/rpm ] || [ -d /usr/lib/sysimage/rpm ]; }; then echo rpm; elif [ -f /lib/apk/db/installed ]; then echo apk; else echo none; fi; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null || true";
var QUERY_COMMAND = {
  dpkg: "dpkg-query -W -f '${db:Status-Status}\\t${Package}\\t${Version}\\t${Architecture}\\t${source:Package}\\t${source:Version}\\t${Homepage}\\n'",
  rpm: "rpm -qa --qf '%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{LICENSE}\\t%{URL}\\t%{SOURCERPM}\\n'",
  apk: "cat /lib/apk/db/installed"
};
function parseProbe(output) {
  const lines = output.split(/\r?\n/);
  const first = (lines[0] ?? "").trim();
  const manager = first === "dpkg" || first === "rpm" || first === "apk" ? first : void 0;
  return { manager, os: parseOsRelease(lines.slice(1).join("\n")) };
}
function parseOsRelease(text) {
  const values = /* @__PURE__ */ new Map();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2];
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2 || v.startsWith("'") && v.endsWith("'") && v.length >= 2) v = v.slice(1, -1);
    values.set(m[1], v.replace(/\\(["\\$`])/g, "$1"));
  }
  const os4 = {};
  if (values.get("ID")) os4.id = values.get("ID");
  if (values.get("VERSION_ID")) os4.versionId = values.get("VERSION_ID");
  if (values.get("PRETTY_NAME")) os4.prettyName = values.get("PRETTY_NAME");
  return os4;
}
var nonEmpty = (s) => s === void 0 || s === "" || s === "(none)" ? void 0 : s;
function parseDpkg(output) {
  const out = [];
  for (const line of output.split("\n")) {
    const [status, name, version, arch, sourceName, sourceVersion, homepage] = line.replace(/\r$/, "").split("	");
    if (status !== "installed" || !name || !version) continue;
    const pkg = { name, version };
    if (nonEmpty(arch)) pkg.arch = arch;
    if (nonEmpty(homepage)) pkg.homepage = homepage;
    if (nonEmpty(sourceName) && (sourceName !== name || sourceVersion && sourceVersion !== version)) pkg.source = { name: sourceName, ...nonEmpty(sourceVersion) ? { version: sourceVersion } : {} };
    out.push(pkg);
  }
  return out;
}
function parseRpm(output) {
  const out = [];
  for (const line of output.split("\n")) {
    const [name, version, arch, license, url, sourceRpm] = line.replace(/\r$/, "").split("	");
    if (!name || !version || name === "gpg-pubkey") continue;
    const pkg = { name, version };
    if (nonEmpty(arch)) pkg.arch = arch;
    if (nonEmpty(license)) pkg.license = license;
    if (nonEmpty(url)) pkg.homepage = url;
    const src = nonEmpty(sourceRpm) ? /^(.+)-([^-]+-[^-]+)\.src\.rpm$/.exec(sourceRpm) : null;
    if (src && src[1] !== name) pkg.source = { name: src[1], version: src[2] };
    out.push(pkg);
  }
  return out;
}
function parseApk(db) {
  const out = [];
  for (const record of db.split(/\r?\n\s*\r?\n/)) {
    const fields = /* @__PURE__ */ new Map();
    for (const line of record.split(/\r?\n/)) {
      const m = /^([A-Za-z]):(.*)$/.exec(line);
      if (m && !fields.has(m[1])) fields.set(m[1], m[2]);
    }
    const name = fields.get("P");
    const version = fields.get("V");
    if (!name || !version) continue;
    const pkg = { name, version };
    if (fields.get("A")) pkg.arch = fields.get("A");
    if (fields.get("L")) pkg.license = fields.get("L");
    if (fields.get("U")) pkg.homepage = fields.get("U");
    const origin = fields.get("o");
    if (origin && origin !== name) pkg.source = { name: origin };
    out.push(pkg);
  }
  return out;
}
var PARSERS = { dpkg: parseDpkg, rpm: parseRpm, apk: parseApk };

// src/core/sbom/read-guest.ts
var MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
async function capture(comm, command, signal) {
  const out = [];
  const err = [];
  let bytes = 0;
  const result = await comm.exec(command, {
    signal,
    onStdout: (c) => {
      bytes += c.length;
      if (bytes <= MAX_OUTPUT_BYTES) out.push(c);
    },
    onStderr: (c) => {
      if (err.length < 64) err.push(c);
    }
  });
  if (bytes > MAX_OUTPUT_BYTES) throw new Error(`the guest printed more than ${MAX_OUTPUT_BYTES} bytes for '${command}'`);
  if (result.disconnected) throw new Error(`the SSH connection dropped while running '${command}'`);
  return { code: result.exitCode, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}
async function readGuestSbom(req) {
  const probe = await capture(req.comm, PROBE_COMMAND, req.signal);
  if (probe.code !== 0) return { skipped: `the guest's shell could not run the probe for a package database (exit ${probe.code ?? "unknown"})` };
  const { manager, os: os4 } = parseProbe(probe.stdout);
  if (!manager) return { skipped: "no package database in the guest (no dpkg, rpm or apk database)" };
  const query = await capture(req.comm, QUERY_COMMAND[manager], req.signal);
  if (query.code !== 0) throw new Error(`reading the ${manager} database failed (exit ${query.code ?? "unknown"}): ${query.stderr.trim().split("\n").slice(-3).join(" ")}`);
  const packages = PARSERS[manager](query.stdout);
  if (packages.length === 0) throw new Error(`the guest's ${manager} database lists no installed package`);
  const created = (req.now ?? /* @__PURE__ */ new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");
  return { document: buildSpdx({ name: req.name, manager, os: os4, packages, tool: req.tool, created }), manager, packages: packages.length };
}

// src/core/pipeline/steps/sbom.ts
async function readSbom(req) {
  const { phases, logger } = req;
  const result = await phases.run("sbom", (signal) => readGuestSbom({ comm: req.comm, name: `${req.build.name} ${req.layer.name}/${req.vm.name}`, tool: { name: "ruddervirt", version: package_default.version }, signal }));
  const record = phases.records.at(-1);
  if ("skipped" in result) {
    logger.info(`sbom: skipped: ${result.skipped}`);
    if (record?.phase === "sbom") Object.assign(record, { status: "skipped", detail: result.skipped });
  } else {
    logger.info(`sbom: ${result.packages} ${result.manager} package(s)`);
    if (record?.phase === "sbom") record.detail = `${result.packages} ${result.manager} packages`;
  }
  return result;
}

// src/core/pipeline/steps/verify-checks.ts
var VerifyFailedError = class extends Error {
  constructor(report) {
    const failed = report.checks.filter((c) => !c.passed);
    super(`${failed.map((c) => `check '${c.name}' ${c.reason ?? "failed"}`).join("; ")}`);
    this.report = report;
  }
  report;
  name = "VerifyFailedError";
};
var CheckFailed = class extends Error {
  name = "CheckFailed";
};
var TAIL_LINES = 20;
function checkLabel(check) {
  const name = check.name ?? check.run.split("\n")[0];
  return name.length > 60 ? `${name.slice(0, 57)}...` : name;
}
async function runVerifyChecks(req) {
  const { checks, comm, phases, logger } = req;
  const results = [];
  for (const [i, check] of checks.entries()) {
    const name = checkLabel(check);
    const tail = [];
    const keep = (line) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    };
    const result = { name, command: check.run, passed: false, expected: check.validExitCodes, tail };
    try {
      await phases.run(
        `check ${i + 1}/${checks.length}: ${name}`,
        async (signal) => {
          const out = new LineSplitter((line) => (logger.info(`    ${line}`), keep(line)));
          const err = new LineSplitter((line) => (logger.info(`    ${line}`), keep(line)));
          const r = await comm.exec(check.run, { signal, onStdout: (c) => out.push(c), onStderr: (c) => err.push(c) });
          out.end();
          err.end();
          if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
          if (r.disconnected || r.exitCode === void 0) throw new CheckFailed(`lost the SSH connection${r.exitSignal ? ` (signal ${r.exitSignal})` : ""}`);
          result.exitCode = r.exitCode;
          if (!check.validExitCodes.includes(r.exitCode)) throw new CheckFailed(`exited ${r.exitCode}, expected ${check.validExitCodes.join(" or ")}`);
        },
        { timeoutMs: check.timeout }
      );
      result.passed = true;
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      result.reason = err instanceof Error ? err.message.replace(/^phase '[^']*' /, "") : String(err);
      logger.error(`check '${name}' failed: ${result.reason}`);
    }
    results.push(result);
  }
  const report = { checks: results, passed: results.every((r) => r.passed) };
  if (!report.passed) throw new VerifyFailedError(report);
  return report;
}

// src/core/pipeline/vm-steps.ts
function requireHandle(state) {
  if (!state.handle) throw new Error("internal: this step needs a running VM (start vm, or one attached by an earlier stage)");
  return state.handle;
}
function dial(ctx, handle, signal, reconnect) {
  return handle.sshAddress(signal).then((address) => connectSsh(ctx.vm.communicator, address, { logger: ctx.logger, signal, reconnect, ...ctx.masker ? { masker: ctx.masker } : {} }));
}
var STEPS = [
  {
    name: "http server",
    absent: (ctx) => !(ctx.vm.httpDirectory || ctx.vm.httpContent) || ctx.engine.servesHttpItself === true,
    async run(ctx, state) {
      const { vm } = ctx;
      state.http = await startHttpServer({ source: vm.httpDirectory ? { directory: vm.httpDirectory } : { content: vm.httpContent ?? {} }, logger: ctx.logger });
    },
    cleanup: (_ctx, state) => state.http?.close()
  },
  {
    name: "start vm",
    timeoutMs: (ctx) => ctx.timeouts.boot ?? 0,
    async run(ctx, state, signal) {
      state.handle = await ctx.engine.startVm({
        build: ctx.build,
        vm: ctx.vm,
        workDir: ctx.workDir,
        logDir: ctx.logDir,
        logger: ctx.logger,
        signal,
        ...state.http ? { http: { port: state.http.port } } : {},
        ...ctx.parentDisk ? { parentDisk: ctx.parentDisk } : {}
      });
    }
    // The VM's own stop is registered by the runner (it depends on how the slice ends).
  },
  {
    name: "boot wait",
    absent: (ctx) => ctx.vm.bootWait <= 0,
    run: (ctx, _state, signal) => sleep(ctx.vm.bootWait, signal)
  },
  {
    name: "boot command",
    skip: (ctx) => ctx.vm.bootCommand.length === 0 ? "none given" : void 0,
    timeoutMs: (ctx) => ctx.timeouts.bootCommand ?? 0,
    run: (ctx, state, signal) => typeBootCommand({
      vm: ctx.vm,
      handle: requireHandle(state),
      logDir: ctx.logDir,
      logger: ctx.logger,
      signal,
      ...ctx.masker ? { masker: ctx.masker } : {},
      onSecretTyped: () => state.secretOnScreen = true
    })
  },
  {
    name: "wait for dependencies",
    absent: (ctx) => ctx.vm.dependsOn.length === 0 || !ctx.layerSync,
    phase: (ctx) => `wait for ${ctx.vm.dependsOn.join(", ")}`,
    run: (ctx, _state, signal) => ctx.layerSync.waitFor(ctx.vm.dependsOn, signal)
  },
  {
    name: "wait for ssh",
    skip: (ctx) => ctx.vm.communicator.type !== "ssh" ? "communicator none" : void 0,
    // connectSsh applies pauseBeforeConnecting itself, on the first connection only.
    async run(ctx, state, signal) {
      state.comm = await dial(ctx, requireHandle(state), signal, false);
    },
    // Provisioners may replace the connection (reboots): whichever is current is closed.
    cleanup: (_ctx, state) => state.comm?.close()
  },
  {
    name: "provision",
    skip: (ctx) => ctx.vm.communicator.type !== "ssh" ? "communicator none" : ctx.vm.provisioners.length === 0 ? "no provisioners" : void 0,
    ownPhases: true,
    async run(ctx, state, signal) {
      const handle = requireHandle(state);
      if (!state.comm) throw new Error("internal: provision runs after wait for ssh");
      const peers = ctx.engine.peerAddresses?.(ctx.build, ctx.layer, ctx.vm) ?? [];
      if (peers.length > 0) ctx.logger.info(`peers: ${peers.map((p) => `${p.vm}=${p.address}`).join(", ")} (RUDDERVIRT_PEER_* in shell provisioners)`);
      state.comm = await runProvisioners({
        build: ctx.build,
        vm: ctx.vm,
        handle,
        comm: state.comm,
        phases: ctx.phases,
        logger: ctx.logger,
        signal,
        peers,
        provisionTimeoutMs: ctx.timeouts.provision ?? 0,
        reconnect: (s) => dial(ctx, handle, s, true)
      });
    }
  },
  {
    name: "keep running for dependents",
    absent: (ctx) => (ctx.layerSync?.dependentsOf(ctx.vm.name) ?? []).length === 0,
    phase: (ctx) => `keep running for ${ctx.layerSync.dependentsOf(ctx.vm.name).join(", ")}`,
    // Peers provision against this VM (a database for an app): keep it up until they are done.
    run: (ctx, _state, signal) => ctx.layerSync.waitForDependents(ctx.vm.name, signal)
  },
  {
    name: "sbom",
    skip: (ctx) => !ctx.vm.output.sbom ? "output.sbom is false" : ctx.vm.communicator.type !== "ssh" ? "communicator none" : void 0,
    ownPhases: true,
    async run(ctx, state, signal) {
      const handle = requireHandle(state);
      let own;
      try {
        const comm = state.comm ?? (own = await dial(ctx, handle, signal, false));
        state.sbom = await readSbom({ build: ctx.build, layer: ctx.layer, vm: ctx.vm, comm, phases: ctx.phases, logger: ctx.logger });
      } finally {
        await own?.close().catch(() => void 0);
      }
    }
  },
  {
    name: "shutdown",
    skip: (_ctx, state) => state.handle && !state.handle.isRunning() ? "the VM had already stopped" : void 0,
    timeoutMs: (ctx) => ctx.timeouts.shutdown ?? 0,
    async run(ctx, state, signal) {
      const handle = requireHandle(state);
      const { vm } = ctx;
      let own;
      if (!state.comm && vm.shutdownCommand && vm.communicator.type === "ssh") own = await dial(ctx, handle, signal, false);
      try {
        const comm = state.comm ?? own;
        await shutdownVm({ vm, handle, logger: ctx.logger, signal, ...comm ? { comm } : {} });
      } finally {
        await own?.close().catch(() => void 0);
      }
    }
  },
  {
    name: "export",
    ownPhases: true,
    async run(ctx, state) {
      state.output = await exportOutput({
        layer: ctx.layer,
        vm: ctx.vm,
        handle: requireHandle(state),
        phases: ctx.phases,
        outputDir: ctx.outputDir,
        logger: ctx.logger,
        timeoutMs: ctx.timeouts.export ?? 0,
        ...state.sbom && "document" in state.sbom ? { sbom: state.sbom.document } : {}
      });
    }
  },
  {
    name: "verify checks",
    sliceOnly: true,
    ownPhases: true,
    async run(ctx, state) {
      if (!state.comm) throw new Error("internal: verify checks run after wait for ssh");
      if (!ctx.vm.verify) throw new Error(`internal: vm ${ctx.vm.name} has no verify block`);
      state.verify = await runVerifyChecks({ checks: ctx.vm.verify.checks, comm: state.comm, phases: ctx.phases, logger: ctx.logger });
    }
  }
];
var VM_STEPS = STEPS.filter((s) => !s.sliceOnly).map((s) => s.name);
var VM_STAGES = {
  "build-vm": ["http server", "start vm", "boot wait", "boot command", "wait for ssh"],
  provision: ["wait for ssh", "provision"],
  snapshot: ["sbom", "shutdown", "export"],
  /** The built image booted as a new VM (src/core/verify): the same boot, then the checks. */
  verify: ["http server", "start vm", "boot wait", "boot command", "wait for ssh", "verify checks"]
};
async function runVmSteps(options) {
  const { ctx, onError } = options;
  const state = options.state ?? {};
  const wanted = new Set(options.steps ?? VM_STEPS);
  const cleanup = new CleanupStack();
  const vmCleanup = (handle) => cleanup.push(`vm ${ctx.vm.name}`, async () => {
    if (!state.detached) await handle.stop();
  });
  if (state.handle) vmCleanup(state.handle);
  let abortChosen = false;
  try {
    for (const step of STEPS) {
      if (!wanted.has(step.name) || step.absent?.(ctx)) continue;
      const reason = step.skip?.(ctx, state);
      const phase = step.phase?.(ctx) ?? step.name;
      if (reason !== void 0) {
        ctx.phases.skip(phase, reason);
      } else {
        for (; ; ) {
          try {
            await runStep(step, phase);
            break;
          } catch (err) {
            if (onError !== "ask" || !options.ask || ctx.phases.signal.aborted) throw err;
            const choice = await options.ask({ vm: `${ctx.layer.name}/${ctx.vm.name}`, phase, error: err });
            if (choice === "retry") {
              ctx.logger.info(`retrying ${phase}`);
              continue;
            }
            abortChosen = choice === "abort";
            throw err;
          }
        }
      }
      if (step.name === "provision") ctx.layerSync?.provisioned(ctx.vm.name);
    }
    if (options.vmAfter === "detach" && state.handle) state.detached = await ctx.engine.detach(state.handle);
    return state;
  } catch (err) {
    ctx.layerSync?.failed(ctx.vm.name, err instanceof Error ? err : new Error(String(err)));
    const handle = state.handle;
    if (handle && handle.isRunning() && !ctx.phases.signal.aborted) await captureFailure(handle, ctx.logDir, ctx.logger, { screenshot: !state.secretOnScreen });
    if (onError === "abort" || abortChosen) {
      const abandoned = await abandon(ctx, state, cleanup);
      options.onAbandoned?.(abandoned);
    }
    throw err;
  } finally {
    await cleanup.unwind(ctx.logger);
  }
  async function runStep(step, phase) {
    const hadHandle = state.handle;
    try {
      if (step.ownPhases) await step.run(ctx, state, ctx.phases.signal);
      else await ctx.phases.run(phase, (s) => step.run(ctx, state, s), { timeoutMs: step.timeoutMs?.(ctx) ?? 0 });
    } finally {
      if (step.cleanup) cleanup.push(phase, () => step.cleanup(ctx, state));
      if (!hadHandle && state.handle) vmCleanup(state.handle);
    }
  }
}
async function abandon(ctx, state, cleanup) {
  if (state.handle?.isRunning() && !state.detached) {
    try {
      state.detached = await ctx.engine.detach(state.handle);
    } catch (err) {
      ctx.logger.warn(`vm ${ctx.vm.name} cannot outlive this process: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const left = state.detached ? [`vm ${ctx.vm.name}`] : cleanup.abandon();
  ctx.logger.warn(`onError=abort: leaving for debugging: ${left.join("; ")}`);
  return { vm: `${ctx.layer.name}/${ctx.vm.name}`, left, logDir: ctx.logDir, ...state.detached ? { detached: state.detached } : {} };
}

export {
  outputImagePath,
  maskSecretsInFile,
  maskSecretsInFolder,
  createPhaseRunner,
  closeSharedOcr,
  ScreenReader,
  require_png,
  screenTextMatches,
  textFileFor,
  FAILURE_SCREENSHOT,
  SERIAL_TAIL_FILE,
  VerifyFailedError,
  VM_STAGES,
  runVmSteps
};
