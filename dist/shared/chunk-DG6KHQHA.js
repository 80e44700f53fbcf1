import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  __commonJS,
  __require
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
    var PNG = exports.PNG = function(options) {
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
    util.inherits(PNG, Stream);
    PNG.sync = PNGSync;
    PNG.prototype.pack = function() {
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
    PNG.prototype.parse = function(data, callback) {
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
    PNG.prototype.write = function(data) {
      this._parser.write(data);
      return true;
    };
    PNG.prototype.end = function(data) {
      this._parser.end(data);
    };
    PNG.prototype._metadata = function(metadata) {
      this.width = metadata.width;
      this.height = metadata.height;
      this.emit("metadata", metadata);
    };
    PNG.prototype._gamma = function(gamma) {
      this.gamma = gamma;
    };
    PNG.prototype._handleClose = function() {
      if (!this._parser.writable && !this._packer.readable) {
        this.emit("close");
      }
    };
    PNG.bitblt = function(src, dst, srcX, srcY, width, height, deltaX, deltaY) {
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
    PNG.prototype.bitblt = function(dst, srcX, srcY, width, height, deltaX, deltaY) {
      PNG.bitblt(this, dst, srcX, srcY, width, height, deltaX, deltaY);
      return this;
    };
    PNG.adjustGamma = function(src) {
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
    PNG.prototype.adjustGamma = function() {
      PNG.adjustGamma(this);
    };
  }
});

// src/core/ocr/ocr-worker.ts
import { Worker } from "node:worker_threads";

// src/core/ocr/ocr-assets.ts
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
var OCR_LANGUAGE = "eng";
var OCR_WORKER_FILE = "ocr-worker.cjs";
var OCR_WASM_FILES = ["tesseract-core-relaxedsimd-lstm.wasm", "tesseract-core-simd-lstm.wasm"];
var OCR_TRAINEDDATA_FILE = `${OCR_LANGUAGE}.traineddata.gz`;
var OCR_DIST_FOLDER = "ocr";
function bundledOcrAssets(moduleDir) {
  const dir = path.resolve(moduleDir, "..", OCR_DIST_FOLDER);
  const complete = [OCR_WORKER_FILE, OCR_TRAINEDDATA_FILE, OCR_WASM_FILES[0]].every((f) => existsSync(path.join(dir, f)));
  return complete ? { workerPath: path.join(dir, OCR_WORKER_FILE), corePath: dir, langPath: dir } : void 0;
}
function packageOcrAssets() {
  const require2 = createRequire(import.meta.url);
  const packageDir = (name) => path.dirname(require2.resolve(`${name}/package.json`));
  return {
    workerPath: path.join(import.meta.dirname, OCR_WORKER_FILE),
    corePath: packageDir("tesseract.js-core"),
    langPath: path.join(packageDir("@tesseract.js-data/eng"), "4.0.0_best_int")
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
        `the OCR files are not beside this bundle (${path.resolve(moduleDir, "..", OCR_DIST_FOLDER)}) and the npm packages tesseract.js-core and @tesseract.js-data/eng are not installed: ${err.message}`
      );
    }
  }
  for (const file of [assets.workerPath, path.join(assets.corePath, OCR_WASM_FILES[0]), path.join(assets.langPath, OCR_TRAINEDDATA_FILE)]) {
    if (!existsSync(file)) throw new OcrAssetsError(`an OCR file is missing: ${file}`);
  }
  return assets;
}

// src/core/ocr/screen-lines.ts
var LINE_LEVEL = 4;
var WORD_LEVEL = 5;
function parseTsvLines(tsv) {
  const lines = /* @__PURE__ */ new Map();
  for (const row of tsv.split("\n")) {
    const cols = row.split("	");
    if (cols.length < 12) continue;
    const level = Number(cols[0]);
    if (level !== LINE_LEVEL && level !== WORD_LEVEL) continue;
    const key = `${cols[2]}/${cols[3]}/${cols[4]}`;
    if (level === LINE_LEVEL) {
      const left = Number(cols[6]);
      const top = Number(cols[7]);
      lines.set(key, { top, bottom: top + Number(cols[9]), left, text: "", words: [] });
      continue;
    }
    const word = cols.slice(11).join("	").trim();
    if (word !== "") lines.get(key)?.words.push(word);
  }
  const out = [];
  for (const { words, ...line } of lines.values()) {
    if (words.length > 0) out.push({ ...line, text: words.join(" ") });
  }
  return out;
}
function composeScreenText(lines) {
  const sorted = [...lines].sort((a, b) => a.top - b.top || byPlace(a, b));
  const rows = [];
  for (const line of sorted) {
    const row = rows.find((r) => sharesRow(r, line));
    if (row) row.lines.push(line);
    else rows.push({ top: line.top, bottom: line.bottom, lines: [line] });
  }
  return rows.map(
    (r) => r.lines.sort(byPlace).map((l) => l.text).join(" ")
  ).join("\n");
}
function byPlace(a, b) {
  return a.left - b.left || a.top - b.top || a.bottom - b.bottom || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
}
function sharesRow(row, line) {
  const overlap = Math.min(row.bottom, line.bottom) - Math.max(row.top, line.top);
  const taller = Math.max(row.bottom - row.top, line.bottom - line.top);
  return overlap > 0 && overlap * 2 >= taller;
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
   * The lines Tesseract finds in an image (PNG, or a binary PGM/PPM for speed), with their boxes
   * (see screen-lines.ts). Calls are served one at a time, as the worker holds one image.
   */
  async recognizeLines(image) {
    const run = () => this.job("recognize", { image, options: {}, output: { text: false, blocks: false, hocr: false, tsv: true } });
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {
    });
    const data = await result;
    return parseTsvLines(data.tsv ?? "");
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
function screenToGrey({ width, height, rgba }) {
  const grey = new Uint8Array(width * height);
  let sum = 0;
  for (let i = 0, p = 0; i < grey.length; i++, p += 4) {
    grey[i] = (rgba[p] * 299 + rgba[p + 1] * 587 + rgba[p + 2] * 114 + 500) / 1e3;
    sum += grey[i];
  }
  if (grey.length > 0 && sum / grey.length < 128) for (let i = 0; i < grey.length; i++) grey[i] = 255 - grey[i];
  invertLightInk(grey, width, height);
  const histogram = new Uint32Array(256);
  for (let i = 0; i < grey.length; i++) histogram[grey[i]]++;
  return { width, height, grey, background: histogram.indexOf(Math.max(...histogram)) };
}
var TILE_W = 8;
var TILE_H = 16;
var MODE_SHIFT = 3;
var INK_CONTRAST = 48;
var INK_MAX_SHARE = 0.4;
var SAME_BACKGROUND = 24;
function invertLightInk(grey, width, height) {
  const cols = Math.ceil(width / TILE_W);
  const rows = Math.ceil(height / TILE_H);
  const modes = new Int16Array(cols * rows);
  const kinds = new Uint8Array(cols * rows);
  const counts = new Uint16Array(256 >> MODE_SHIFT);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const { x0, x1, y0, y1 } = tileBox(c, r, width, height);
      counts.fill(0);
      let bin = 0;
      for (let y = y0; y < y1; y++) {
        for (let i = y * width + x0, end = y * width + x1; i < end; i++) {
          const b = grey[i] >> MODE_SHIFT;
          if (++counts[b] > counts[bin]) bin = b;
        }
      }
      const mode = (bin << MODE_SHIFT) + (1 << MODE_SHIFT - 1);
      let ink = 0;
      let inkSum = 0;
      for (let y = y0; y < y1; y++) {
        for (let i = y * width + x0, end = y * width + x1; i < end; i++) {
          const g = grey[i];
          if (Math.abs(g - mode) > INK_CONTRAST) {
            ink++;
            inkSum += g;
          }
        }
      }
      const t = r * cols + c;
      modes[t] = mode;
      kinds[t] = ink === 0 ? 0 : ink <= INK_MAX_SHARE * (x1 - x0) * (y1 - y0) && inkSum / ink > mode ? 2 : 1;
    }
  }
  const invert = kinds.map((k) => k === 2 ? 1 : 0);
  const queue = [];
  invert.forEach((v, t) => v && queue.push(t));
  while (queue.length > 0) {
    const t = queue.pop();
    const r = Math.floor(t / cols);
    const c = t % cols;
    for (const [nc, nr] of [
      [c - 1, r],
      [c + 1, r],
      [c, r - 1],
      [c, r + 1]
    ]) {
      if (nc < 0 || nr < 0 || nc >= cols || nr >= rows) continue;
      const n = nr * cols + nc;
      if (invert[n] || kinds[n] !== 0 || Math.abs(modes[n] - modes[t]) > SAME_BACKGROUND) continue;
      invert[n] = 1;
      queue.push(n);
    }
  }
  for (let t = 0; t < invert.length; t++) {
    if (!invert[t]) continue;
    const { x0, x1, y0, y1 } = tileBox(t % cols, Math.floor(t / cols), width, height);
    for (let y = y0; y < y1; y++) for (let i = y * width + x0, end = y * width + x1; i < end; i++) grey[i] = 255 - grey[i];
  }
}
function tileBox(c, r, width, height) {
  return { x0: c * TILE_W, x1: Math.min(width, (c + 1) * TILE_W), y0: r * TILE_H, y1: Math.min(height, (r + 1) * TILE_H) };
}
function greyToPgm({ width, height, grey }) {
  const header = Buffer.from(`P5
${width} ${height}
255
`, "latin1");
  const out = new Uint8Array(header.length + grey.length);
  out.set(header);
  out.set(grey, header.length);
  return out;
}
function screenDigest({ width, height, rgba }) {
  return createHash("sha1").update(`${width}x${height}:`).update(rgba).digest("hex");
}

// src/core/ocr/changed-bands.ts
var BAND_MARGIN = 4;
var BAND_JOIN_GAP = 24;
var STACK_GAP = 24;
function changedRows(before, after, width, height) {
  const stride = width * 4;
  const a = Buffer.from(before.buffer, before.byteOffset, before.byteLength);
  const b = Buffer.from(after.buffer, after.byteOffset, after.byteLength);
  const runs = [];
  let open;
  for (let y = 0; y < height; y++) {
    const from = y * stride;
    const same = a.compare(b, from, from + stride, from, from + stride) === 0;
    if (!same && open) open.end = y + 1;
    else if (!same) runs.push(open = { start: y, end: y + 1 });
    else open = void 0;
  }
  return runs;
}
function bandsToRead(changed, lines, height) {
  let bands = changed.map((r) => ({ start: Math.max(0, r.start - BAND_MARGIN), end: Math.min(height, r.end + BAND_MARGIN) }));
  for (let grew = true; grew; ) {
    grew = false;
    for (const band of bands) {
      for (const line of lines) {
        if (line.bottom <= band.start || line.top >= band.end) continue;
        const start = Math.max(0, Math.min(band.start, line.top - BAND_MARGIN));
        const end = Math.min(height, Math.max(band.end, line.bottom + BAND_MARGIN));
        if (start !== band.start || end !== band.end) {
          band.start = start;
          band.end = end;
          grew = true;
        }
      }
    }
    bands = joinBands(bands);
  }
  return bands;
}
function joinBands(bands) {
  const sorted = [...bands].sort((a, b) => a.start - b.start);
  const out = [];
  for (const band of sorted) {
    const last = out.at(-1);
    if (last && band.start - last.end < BAND_JOIN_GAP) last.end = Math.max(last.end, band.end);
    else out.push({ ...band });
  }
  return out;
}
function inBands(line, bands) {
  return bands.some((b) => line.bottom > b.start && line.top < b.end);
}
function stackBands(grey, width, bands, background) {
  const rows = bands.reduce((sum, b) => sum + (b.end - b.start), 0) + STACK_GAP * Math.max(0, bands.length - 1);
  const header = Buffer.from(`P5
${width} ${rows}
255
`, "latin1");
  const image = new Uint8Array(header.length + width * rows).fill(background);
  image.set(header);
  const offsets = [];
  let y = 0;
  for (const band of bands) {
    offsets.push(y);
    const copy = image.subarray(header.length + y * width, header.length + (y + band.end - band.start) * width);
    copy.set(grey.subarray(band.start * width, band.end * width));
    wipeEdgeInk(copy, width, background);
    y += band.end - band.start + STACK_GAP;
  }
  return { image, offsets };
}
function wipeEdgeInk(band, width, background) {
  const rows = band.length / width;
  const ink = (i) => Math.abs(band[i] - background) > INK_CONTRAST;
  const stack = [];
  for (let x = 0; x < width; x++) for (const i of [x, (rows - 1) * width + x]) if (ink(i)) stack.push(i);
  while (stack.length > 0) {
    const i = stack.pop();
    if (!ink(i)) continue;
    band[i] = background;
    const x = i % width;
    const y = (i - x) / width;
    for (let dy = -1; dy <= 1; dy++) {
      const ny = y + dy;
      if (ny < 0 || ny >= rows) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        if (nx < 0 || nx >= width || dx === 0 && dy === 0) continue;
        if (ink(ny * width + nx)) stack.push(ny * width + nx);
      }
    }
  }
}
function unstackLines(found, bands, offsets) {
  const out = [];
  for (const line of found) {
    const i = offsets.findLastIndex((o) => o <= line.top + (line.bottom - line.top) / 2);
    if (i < 0) continue;
    const shift = bands[i].start - offsets[i];
    out.push({ ...line, top: line.top + shift, bottom: line.bottom + shift });
  }
  return out;
}

// src/core/ocr/cell-grid.ts
var CELL_SIZES = [
  { width: 9, height: 16 },
  { width: 8, height: 16 },
  { width: 8, height: 14 }
];
function fittingCellSizes(width, height) {
  return CELL_SIZES.filter((c) => width > 0 && height > 0 && width % c.width === 0 && height % c.height === 0);
}
function cellGrid(screen, cell) {
  const { width, height } = screen;
  if (width <= 0 || height <= 0 || width % cell.width !== 0 || height % cell.height !== 0) return void 0;
  const pixels = rgbPixels(screen);
  const cols = width / cell.width;
  const rows = height / cell.height;
  const glyphs = new Array(cols * rows);
  const bits = new Uint8Array(Math.ceil(cell.width * cell.height / 8));
  const prefix = `${cell.width}x${cell.height}:`;
  const colours = [];
  const counts = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x0 = c * cell.width;
      const y0 = r * cell.height;
      colours.length = 0;
      counts.length = 0;
      for (let y = y0; y < y0 + cell.height; y++) {
        for (let i = y * width + x0, end = i + cell.width; i < end; i++) {
          const p = pixels[i];
          const k = colours.indexOf(p);
          if (k >= 0) counts[k]++;
          else {
            colours.push(p);
            counts.push(1);
          }
        }
      }
      if (colours.length === 1) continue;
      let background = 0;
      for (let k = 1; k < counts.length; k++) if (counts[k] > counts[background]) background = k;
      const bg = colours[background];
      bits.fill(0);
      let bit = 0;
      for (let y = y0; y < y0 + cell.height; y++) {
        for (let i = y * width + x0, end = i + cell.width; i < end; i++, bit++) if (pixels[i] !== bg) bits[bit >> 3] |= 128 >> (bit & 7);
      }
      glyphs[r * cols + c] = prefix + Buffer.from(bits).toString("base64");
    }
  }
  return { cell, cols, rows, glyphs };
}
function rgbPixels({ width, height, rgba }) {
  const aligned = rgba.byteOffset % 4 === 0 ? rgba : Uint8Array.from(rgba);
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, width * height);
  const out = new Uint32Array(words.length);
  for (let i = 0; i < words.length; i++) out[i] = words[i] & 16777215;
  return out;
}

// src/core/ocr/glyph-table.ts
var UNREADABLE = "";
var LINE_GAP = 3;
var AGREEMENT = 2;
var BOX_SLACK = 2;
var LEARN_MIN_SHARE = 0.25;
var PLACED_MIN_SHARE = 0.75;
function straightQuotes(char) {
  return char.replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"').replace(/[\u2018\u2019\u201a\u201b\u2032`]/g, "'");
}
var GlyphTable = class {
  readings = /* @__PURE__ */ new Map();
  chars = /* @__PURE__ */ new Map();
  unreadable = /* @__PURE__ */ new Set();
  constructor(learned) {
    if (!learned) return;
    for (const [key, counts] of Object.entries(learned.readings)) {
      this.readings.set(key, new Map(Object.entries(counts)));
      this.decide(key);
    }
    for (const key of learned.unreadable) if (!this.chars.has(key)) this.unreadable.add(key);
  }
  /** Glyphs whose character is known. */
  get size() {
    return this.chars.size;
  }
  /** The glyph's character, UNREADABLE for a glyph Tesseract gives no letter, undefined when not known. */
  char(key) {
    return this.chars.get(key) ?? (this.unreadable.has(key) ? UNREADABLE : void 0);
  }
  /** Whether the glyph was ever read as a letter (known, or read too many ways). */
  wasRead(key) {
    return this.readings.has(key);
  }
  /** Records one reading of a glyph. */
  add(key, reading) {
    const char = straightQuotes(reading);
    let counts = this.readings.get(key);
    if (!counts) this.readings.set(key, counts = /* @__PURE__ */ new Map());
    counts.set(char, (counts.get(char) ?? 0) + 1);
    this.decide(key);
  }
  /** Marks a glyph Tesseract did not read as a letter of its own (see LearnedGlyphs.unreadable). */
  markUnreadable(key) {
    if (!this.readings.has(key)) this.unreadable.add(key);
  }
  /**
   * Learns from Tesseract's lines of the screen the grid was cut from, when the grid is the one
   * the text is drawn on; returns the alignment then (the learning script marks unreadable glyphs
   * from it), else undefined.
   */
  learn(grid, lines) {
    const alignment = alignLines(grid, lines);
    if (alignment.chars === 0 || alignment.pairs.length < LEARN_MIN_SHARE * alignment.chars || alignment.placedChars < PLACED_MIN_SHARE * alignment.chars) return void 0;
    for (const [key, char] of alignment.pairs) this.add(key, char);
    return alignment;
  }
  toJSON() {
    const sorted = (keys) => [...keys].sort();
    return {
      readings: Object.fromEntries(sorted(this.readings.keys()).map((k) => [k, Object.fromEntries([...this.readings.get(k)].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0))])),
      unreadable: sorted(this.unreadable)
    };
  }
  decide(key) {
    const counts = this.readings.get(key);
    const folded = /* @__PURE__ */ new Map();
    let total = 0;
    for (const [char, n2] of counts) {
      folded.set(char.toLowerCase(), (folded.get(char.toLowerCase()) ?? 0) + n2);
      total += n2;
    }
    const [best, n] = [...folded].reduce((a, b) => b[1] > a[1] ? b : a);
    if (n <= AGREEMENT * (total - n)) {
      this.chars.delete(key);
      return;
    }
    const cased = [...counts].filter(([char]) => char.toLowerCase() === best).reduce((a, b) => b[1] > a[1] ? b : a);
    this.chars.set(key, cased[0]);
    this.unreadable.delete(key);
  }
};
function alignLines(grid, lines) {
  const { cell, cols, rows, glyphs } = grid;
  const out = { pairs: [], chars: 0, placedChars: 0, crossedRows: /* @__PURE__ */ new Set() };
  for (const line of lines) {
    const words = line.text.split(" ").filter((w) => w !== "");
    const want = words.reduce((n, w) => n + [...w].length, 0);
    out.chars += want;
    const row = Math.floor((line.top + line.bottom) / 2 / cell.height);
    if (row < 0 || row >= rows || line.top < row * cell.height - BOX_SLACK || line.bottom > (row + 1) * cell.height + BOX_SLACK) {
      for (let r = Math.floor(line.top / cell.height); r * cell.height < line.bottom && r < rows; r++) if (r >= 0) out.crossedRows.add(r);
      continue;
    }
    out.placedChars += want;
    const first = Math.max(0, Math.floor(line.left / cell.width));
    const runs = cellRuns(glyphs, row * cols, first, cols, want);
    const cells = runs.flat();
    if (cells.length === want) {
      const chars = words.flatMap((w) => [...w]);
      cells.forEach((key, i) => out.pairs.push([key, chars[i]]));
    } else {
      for (let i = 0; i < Math.min(runs.length, words.length); i++) {
        const chars = [...words[i]];
        if (chars.length !== runs[i].length) break;
        runs[i].forEach((key, j) => out.pairs.push([key, chars[j]]));
      }
    }
  }
  return out;
}
function cellRuns(glyphs, rowStart, first, cols, want) {
  const runs = [];
  let taken = 0;
  let run;
  for (let c = first; c < cols; c++) {
    const key = glyphs[rowStart + c];
    if (key === void 0) {
      run = void 0;
      if (taken >= want) break;
      continue;
    }
    if (!run) runs.push(run = []);
    run.push(key);
    taken++;
  }
  return runs;
}

// src/core/ocr/glyph-lines.ts
function readGlyphs(grid, table) {
  const { cell, cols, rows, glyphs } = grid;
  const lines = [];
  const unknownRows = [];
  const unknown = /* @__PURE__ */ new Map();
  let knownCells = 0;
  let inkCells = 0;
  for (let r = 0; r < rows; r++) {
    const chars = [];
    let unknownGlyph = false;
    let first = cols;
    let last = -1;
    for (let c = 0; c < cols; c++) {
      const key = glyphs[r * cols + c];
      if (key === void 0) {
        chars.push(void 0);
        continue;
      }
      inkCells++;
      const char = table.char(key);
      if (char === void 0) unknownGlyph = true;
      else knownCells++;
      if (char !== UNREADABLE) {
        first = Math.min(first, c);
        last = c;
      }
      chars.push(char === UNREADABLE ? void 0 : char ?? "?");
    }
    if (unknownGlyph) {
      unknownRows.push(r);
      unknown.set(r, { glyphs: glyphs.slice(r * cols, (r + 1) * cols), first, last });
      continue;
    }
    const top = r * cell.height;
    for (const { start, text } of rowLines(chars)) lines.push({ top, bottom: top + cell.height, left: start * cell.width, text });
  }
  return { lines, unknownRows, unknown, knownCells, inkCells };
}
function rowLines(chars) {
  const out = [];
  let open;
  let blanks = 0;
  chars.forEach((char, c) => {
    if (char === void 0) {
      blanks++;
      return;
    }
    if (open && blanks >= LINE_GAP) open = void 0;
    if (!open) out.push(open = { start: c, text: char });
    else open.text += (blanks > 0 ? " " : "") + char;
    blanks = 0;
  });
  return out;
}

// src/core/ocr/remembered-rows.ts
import { createHash as createHash2 } from "node:crypto";
var REMEMBERED_ROWS = 512;
var RememberedRows = class {
  rows = /* @__PURE__ */ new Map();
  /** The lines read before on a row with these glyphs, moved to row `row`; undefined when not seen. */
  find(cell, glyphs, row) {
    const lines = this.rows.get(rowKey(cell, glyphs));
    const top = row * cell.height;
    return lines?.map((l) => ({ ...l, top: l.top + top, bottom: l.bottom + top }));
  }
  remember(cell, glyphs, row, lines) {
    const key = rowKey(cell, glyphs);
    const top = row * cell.height;
    this.rows.delete(key);
    this.rows.set(
      key,
      lines.map((l) => ({ ...l, top: l.top - top, bottom: l.bottom - top }))
    );
    if (this.rows.size > REMEMBERED_ROWS) this.rows.delete(this.rows.keys().next().value);
  }
};
function rowKey(cell, glyphs) {
  const hash = createHash2("sha1").update(`${cell.width}x${cell.height}`);
  for (let c = 0; c < glyphs.length; c++) hash.update(`|${glyphs[c] ?? ""}`);
  return hash.digest("hex");
}

// src/core/ocr/learned-glyphs.json
var learned_glyphs_default = {
  readings: {
    "8x16:AAAAAAAAAAAAAAAAGBgAAA==": {
      ".": 1
    },
    "8x16:AAAAAAAAAAAAPAAAAAAAAA==": {
      "-": 35,
      "=": 1
    },
    "8x16:AAAAAAAAABAQDAICQjwAAA==": {
      s: 1
    },
    "8x16:AAAAAAAAACpVVVVBQkA+AQ==": {
      g: 1
    },
    "8x16:AAAAAAAAADRKSkpKSjIAAA==": {
      i: 1
    },
    "8x16:AAAAAAAAADxCQkJCQiQAAA==": {
      m: 1
    },
    "8x16:AAAAAAAAAGwSEgICAiIiHA==": {
      o: 1
    },
    "8x16:AAAAAAAAGBgAAAAYCAgQAA==": {
      ":": 2
    },
    "8x16:AAAAAAAAGBgAAAAYGAAAAA==": {
      ":": 1
    },
    "8x16:AAAAAAAAHhISEhIiIkIAAA==": {
      A: 2,
      n: 2
    },
    "8x16:AAAAAAAAOkZCQkJCRjoCAg==": {
      a: 2,
      q: 2
    },
    "8x16:AAAAAAAAPEICPAQCQjwAAA==": {
      s: 1
    },
    "8x16:AAAAAAAAPEICPkJCRjoAAA==": {
      a: 97
    },
    "8x16:AAAAAAAAPEJAMAwCQjwAAA==": {
      s: 47
    },
    "8x16:AAAAAAAAPEJAQEBAQjwAAA==": {
      c: 19
    },
    "8x16:AAAAAAAAPEJAQEBAQjwIMA==": {
      c: 1
    },
    "8x16:AAAAAAAAPEJCQkJCQjwAAA==": {
      o: 25
    },
    "8x16:AAAAAAAAPEJCfkBAQjwAAA==": {
      e: 64
    },
    "8x16:AAAAAAAAPkJCQj4SIkIAAA==": {
      s: 2
    },
    "8x16:AAAAAAAAQUlJSUlJSTYAAA==": {
      w: 2
    },
    "8x16:AAAAAAAAQkIkJBgYEBAgYA==": {
      y: 2
    },
    "8x16:AAAAAAAAQkJCJCQkGBgAAA==": {
      v: 3
    },
    "8x16:AAAAAAAAQkJCQkImGgICPA==": {
      y: 1
    },
    "8x16:AAAAAAAAQkJCQkJCRjoAAA==": {
      u: 25
    },
    "8x16:AAAAAAAARkZKSlJSYmIAAA==": {
      n: 2
    },
    "8x16:AAAAAAAARkhQYFBIREIAAA==": {
      k: 4
    },
    "8x16:AAAAAAAARkhQYFBIREICAg==": {
      k: 1
    },
    "8x16:AAAAAAAAXGJCQEBAQEAAAA==": {
      r: 31
    },
    "8x16:AAAAAAAAXGJCQkJCQkIAAA==": {
      n: 58
    },
    "8x16:AAAAAAAAXGJCQkJCYlxAQA==": {
      p: 12
    },
    "8x16:AAAAAAAAcBAQHhERER4AAA==": {
      b: 2
    },
    "8x16:AAAAAAAAdklJSUlJSUkAAA==": {
      m: 4
    },
    "8x16:AAAAAAAAfgIECBAgQH4AAA==": {
      z: 2
    },
    "8x16:AAAAAAAAfkBAQEBAQEAAAA==": {
      r: 2
    },
    "8x16:AAAAAAACBAgQIBAIBAIAAA==": {
      "<": 4
    },
    "8x16:AAAAAAACOkRERDggPEJCPA==": {
      g: 19
    },
    "8x16:AAAAAABAIBAIBAgQIEAAAA==": {
      ">": 4
    },
    "8x16:AAAAAAQ4QGhUVFRURCQAAA==": {
      f: 1
    },
    "8x16:AAAAAAQMBAQEHCQEBAREOA==": {
      d: 1
    },
    "8x16:AAAAAAgICAgICAgACAgAAA==": {
      "1": 2
    },
    "8x16:AAAAAB8EBAQEBARERDgAAA==": {
      J: 1
    },
    "8x16:AAAAABAQEHwQEBAQEAwAAA==": {
      t: 33
    },
    "8x16:AAAAABgkJEJCfkJCQkIAAA==": {
      A: 5
    },
    "8x16:AAAAAD4ICAgICAgICD4AAA==": {
      I: 6
    },
    "8x16:AAAAADxCQkAwDAJCQjwAAA==": {
      S: 2,
      s: 4
    },
    "8x16:AAAAADxCQkBAQEBCQjwAAA==": {
      C: 6,
      c: 1
    },
    "8x16:AAAAADxCQkBATkJCRjoAAA==": {
      G: 7
    },
    "8x16:AAAAAEBAQEBAQEBAQH4AAA==": {
      L: 1
    },
    "8x16:AAAAAEJCQkJ+QkJCQkIAAA==": {
      H: 3
    },
    "8x16:AAAAAEJCZmZaWkJCQkIAAA==": {
      M: 1
    },
    "8x16:AAAAAEJESFBgYFBIREIAAA==": {
      K: 4
    },
    "8x16:AAAAAEJiYlJSSkpGRkIAAA==": {
      N: 1
    },
    "8x16:AAAAAEZISFBQYFBIREICAg==": {
      K: 1
    },
    "8x16:AAAAAH5AQEB8QEBAQEAAAA==": {
      F: 3
    },
    "8x16:AAAAAH5AQEB8QEBAQH4AAA==": {
      E: 9
    },
    "8x16:AAAAAH8ICAgICAgICAgAAA==": {
      T: 3
    },
    "8x16:AAAAAHhEQkJCQkJCRHgAAA==": {
      D: 4
    },
    "8x16:AAAAAHxAQEB8QkJCQnwAAA==": {
      B: 4
    },
    "8x16:AAAAAHxCQkJ8QkJCQnwAAA==": {
      B: 10
    },
    "8x16:AAAAAgICOkZCQkJCRjoAAA==": {
      d: 13
    },
    "8x16:AAAABAgIEBAQEBAQCAgEAA==": {
      "(": 2
    },
    "8x16:AAAACAgAGAgICAgICD4AAA==": {
      i: 49
    },
    "8x16:AAAADBAQEHwQEBAQEBAAAA==": {
      f: 4
    },
    "8x16:AAAADggICAgICAgICAgOAA==": {
      "[": 1
    },
    "8x16:AAAAGAgICAgICAgICD4AAA==": {
      l: 35
    },
    "8x16:AAAAIBAQCAgICAgIEBAgAA==": {
      ")": 2
    },
    "8x16:AAAAQEBAREhQYFBIREIAAA==": {
      k: 9
    },
    "8x16:AAAAQEBAXGJCQkJCQkIAAA==": {
      h: 22
    },
    "8x16:AAAAQEBAXGJCQkJCYlwAAA==": {
      b: 7,
      h: 1
    },
    "8x16:AAAAcBAQEBAQEBAQEBBwAA==": {
      "]": 1
    },
    "8x16:AAAYJAAAGAgICAgICD4AAA==": {
      i: 1
    },
    "8x16:AAAkGAAAPEJAMAwCQjwAAA==": {
      s: 1
    },
    "8x16:AAAwDAAAPEICPkJCRjoAAA==": {
      a: 1
    },
    "8x16:DDAAAD4ICAgICAgICD4AAA==": {
      I: 1
    },
    "8x16:JBgAADxCQkBAQEBCQjwAAA==": {
      C: 1
    },
    "8x16:VapVqlWqVapVqlWqVapVqg==": {
      o: 1
    },
    "9x16:AAA+DYZjMZjMZjMbHwAAAAAA": {
      D: 13
    },
    "9x16:AAA/22mQwGAwGAwGB4AAAAAA": {
      T: 5
    },
    "9x16:AAA/DMZjMfDAYDAYHgAAAAAA": {
      P: 14
    },
    "9x16:AAA/DMZjMfDMZjMZn4AAAAAA": {
      B: 5
    },
    "9x16:AAA/DMZjMfDYZjMZnMAAAAAA": {
      R: 8
    },
    "9x16:AAA/jMYjQeDQYDAYHgAAAAAA": {
      F: 7
    },
    "9x16:AAA/jMYjQeDQYDEZn8AAAAAA": {
      E: 14
    },
    "9x16:AAA/mAwGA/AMBgMxj4AAAAAA": {
      "5": 19
    },
    "9x16:AAA/mMBgMDAwMBgMBgAAAAAA": {
      "7": 7
    },
    "9x16:AAA4DAYDMbDweDYZnMAAAAAA": {
      b: 1,
      k: 4
    },
    "9x16:AAA4DAYDYdjMZjMZnMAAAAAA": {
      h: 14
    },
    "9x16:AAA4DAYDwbDMZjMZj4AAAAAA": {
      b: 11,
      e: 1
    },
    "9x16:AAA8DAYDAYDAYDEZn8AAAAAA": {
      L: 2
    },
    "9x16:AAAAAAAAAAAAAAAAAAAH+AAA": {
      _: 2
    },
    "9x16:AAAAAAAAAAAAAAAAAAAH//4A": {
      _: 1
    },
    "9x16:AAAAAAAAAAAAAAAGAwAAAAAA": {
      ".": 38
    },
    "9x16:AAAAAAAAAAAAAAwGAwMAAAAA": {
      ",": 1
    },
    "9x16:AAAAAAAAAAH8AAAAAAAAAAAA": {
      "-": 13
    },
    "9x16:AAAAAAAAwGD8GAwAAAAAAAAA": {
      "+": 4
    },
    "9x16:AAAAAAAD4xjAOAYxj4AAAAAA": {
      r: 1,
      s: 33
    },
    "9x16:AAAAAAAD4xmAwGAxj4AAAAAA": {
      c: 11,
      o: 1
    },
    "9x16:AAAAAAAD4xmMxmMxj4AAAAAA": {
      m: 1,
      o: 56
    },
    "9x16:AAAAAAAD4xn8wGAxj4AAAAAA": {
      c: 2,
      e: 67,
      s: 1
    },
    "9x16:AAAAAAAD8AAAfgAAAAAAAAAA": {
      "=": 1
    },
    "9x16:AAAAAAADszGYzGYzD4DAYHgA": {
      q: 1
    },
    "9x16:AAAAAAADszGYzGYzD4DGYeAA": {
      g: 16
    },
    "9x16:AAAAAAADwDD4zGYzDsAAAAAA": {
      a: 29
    },
    "9x16:AAAAAAAG4ZjMZjMZj4YDA8AA": {
      p: 10
    },
    "9x16:AAAAAAAG4ZjMZjMZjMAAAAAA": {
      k: 1,
      n: 34
    },
    "9x16:AAAAAAAG4djMYDAYHgAAAAAA": {
      r: 38
    },
    "9x16:AAAAAAAGGZh4GB4ZmGAAAAAA": {
      x: 7
    },
    "9x16:AAAAAAAGGw2G222/zMAAAAAA": {
      w: 4
    },
    "9x16:AAAAAAAGGw2GwzMPAwAAAAAA": {
      u: 2,
      v: 9
    },
    "9x16:AAAAAAAGMxmMxmMxj8BgY+AA": {
      y: 10
    },
    "9x16:AAAAAAAGYzGYzGYzDsAAAAAA": {
      u: 22
    },
    "9x16:AAAAAAAHM/22222222AAAAAA": {
      e: 1,
      m: 16
    },
    "9x16:AAAAAAAgMDAwMDAwEAAAAAAA": {
      "/": 10
    },
    "9x16:AAAAAAGAwAAAAAwGAAAAAAAA": {
      ":": 28,
      l: 1
    },
    "9x16:AAAAD4xmM3m83m4wD4AAAAAA": {
      "@": 3,
      e: 1
    },
    "9x16:AAAADYbH8bDYbH8bDYAAAAAA": {
      "#": 4
    },
    "9x16:AAADA4PDYzH8DAYDA8AAAAAA": {
      "4": 12
    },
    "9x16:AAADAwMBgMBgMBgGAYAAAAAA": {
      "(": 12,
      C: 1
    },
    "9x16:AAAEBgMH4MBgMBgNg4AAAAAA": {
      t: 66
    },
    "9x16:AAAEBwbGMxn8xmMxmMAAAAAA": {
      A: 12
    },
    "9x16:AAAGAwABwGAwGAwGB4AAAAAA": {
      i: 31,
      n: 1
    },
    "9x16:AAAGBweAwGAwGAwGD8AAAAAA": {
      "1": 28,
      l: 2
    },
    "9x16:AAAHAYDB4bGYzGYzDsAAAAAA": {
      d: 27
    },
    "9x16:AAAMAwDAYDAYDAYGBgAAAAAA": {
      ")": 13
    },
    "9x16:AAAOAwGAwGAwGAwGB4AAAAAA": {
      i: 1,
      l: 17
    },
    "9x16:AAAODAwGA/GMxmMxj4AAAAAA": {
      "6": 12,
      b: 1
    },
    "9x16:AAAODYZDA8DAYDAYHgAAAAAA": {
      f: 6
    },
    "9x16:AAAPAYDAYDAYDAYDB4AAAAAA": {
      "1": 1,
      "]": 11
    },
    "9x16:AAAPAwGAwGAwGAwGB4AAAAAA": {
      I: 10
    },
    "9x16:AAAPBgMBgMBgMBgMB4AAAAAA": {
      "[": 12
    },
    "9x16:AAAPDMw2G222w2GZh4AAAAAA": {
      "0": 44,
      ":": 1,
      G: 1,
      O: 9,
      "\xA9": 1
    },
    "9x16:AAAPDMwmAwG8xmMZh0AAAAAA": {
      G: 2
    },
    "9x16:AAAPDMwmAwGAwGEZh4AAAAAA": {
      C: 16
    },
    "9x16:AAAfGMBgMPAMBgMxj4AAAAAA": {
      "3": 16
    },
    "9x16:AAAfGMBgYGBgYGAxn8AAAAAA": {
      "2": 15,
      Z: 4
    },
    "9x16:AAAfGMxjAOAYBmMxj4AAAAAA": {
      S: 4
    },
    "9x16:AAAfGMxmMfGMxmMxj4AAAAAA": {
      "8": 14
    },
    "9x16:AAAfGMxmMfgMBgMDDwAAAAAA": {
      "9": 24
    },
    "9x16:AAAfGMxmMxmMxmMxj4AAAAAA": {
      "0": 1,
      O: 4
    },
    "9x16:AAAfGMxmMxmMxms3j4DAcAAA": {
      Q: 2
    },
    "9x16:AAAw2GZh4GAwPDMw2GAAAAAA": {
      X: 4
    },
    "9x16:AAAw2Gw2Gw2223+ZjMAAAAAA": {
      W: 2
    },
    "9x16:AAAw2Gw2Gw2GwzMPAwAAAAAA": {
      U: 2
    },
    "9x16:AAAw2GwzMPAwGAwGB4AAAAAA": {
      Y: 1
    },
    "9x16:AAAw3O/3+22Gw2Gw2GAAAAAA": {
      M: 5
    },
    "9x16:AAAxmMxmM/mMxmMxmMAAAAAA": {
      H: 4
    },
    "9x16:AAAxmMxmMxmMxmMxj4AAAAAA": {
      U: 2
    },
    "9x16:AAAxnM9n83mcxmMxmMAAAAAA": {
      N: 10
    },
    "9x16:ABgMBgYAAAAAAAAAAAAAAAAA": {
      "'": 2
    },
    "9x16:ADMZjMJAAAAAAAAAAAAAAAAA": {
      '"': 4
    }
  },
  unreadable: [
    "8x16:AAAA/hAQICBAgACAQCAYBg==",
    "8x16:AAAAAAA+IiIiIiIiImIAAA==",
    "8x16:AAAAAAA4CAgIAAAAAAAAAA==",
    "8x16:AAAAAAA8PDw8PDw8AAAAAA==",
    "8x16:AAAAAAAAAA8ICAgICAgICA==",
    "8x16:AAAAAAAAAAAAAENEQjwAKA==",
    "8x16:AAAAAAAAAAAEAgMCBEgwAA==",
    "8x16:AAAAAAAAAAgEBPwAABAAAA==",
    "8x16:AAAAAAAAABgkIP4AAAAAAA==",
    "8x16:AAAAAAAAAP8AAAAAAAAAAA==",
    "8x16:AAAAAAAAAPgICAgICAgICA==",
    "8x16:AAAAAAAAIiQoMDAoJCIAAA==",
    "8x16:AAAAAAAAMBAQEBAQEAwAAA==",
    "8x16:AAAAAAAAQkJCRERIUGAAAA==",
    "8x16:AAAAAAAAXGJCQkJCQkICAg==",
    "8x16:AAAAAAASEhISEhISEv4AAA==",
    "8x16:AAAAAAB+AgICAgICAgIAAA==",
    "8x16:AAAAAAB8BAQEBAQEBH8AAA==",
    "8x16:AAAAAB4hQEBAIR4AAAAAAA==",
    "8x16:AAAAACAgEBAIGCQkQkIAAA==",
    "8x16:AAAAAPgICAgICPgIAAAAAA==",
    "8x16:AAAAAPyAQEAgEAjkAgAAAA==",
    "8x16:AAACAgICgp6CAgICAgICAA==",
    "8x16:AAAIHCoICAgICAgICAgICA==",
    "8x16:AAAfAAAAAH8BAR8AAAAAAA==",
    "8x16:AADwEBAQAPwAAPAQEBAQAA==",
    "8x16:AAQIEAAAMkpERERESjIAAA==",
    "8x16:AAgICAgOCAgICAAAAAD4AA==",
    "8x16:AAh/HCIiIhwAAAgICAgPAA==",
    "8x16:AB8QEBAQEB8QEBAQEBAfEA==",
    "8x16:AH1FdVX/gn1EfUV9RERXSA==",
    "8x16:APAQEBAQEPAQEBAQEBDwEA==",
    "8x16:APxAQPiIiP4AAPgICAj4CA==",
    "8x16:AQEBAT8hISEhIT8hAQEBAQ==",
    "8x16:AQEBAX8DBQUJESFPgQEBAQ==",
    "8x16:AgEB/xAQCAgEAgECBAgwwA==",
    "8x16:CAgICAgICA8AAAAAAAAAAA==",
    "8x16:CAgICAgICA8ICAgICAgICA==",
    "8x16:CAgICAgICAgICAgICAgICA==",
    "8x16:CAgICAgICAgICAgqHAgAAA==",
    "8x16:CAgICAgICPgAAAAAAAAAAA==",
    "8x16:CAgICAgICPgICAgICAgICA==",
    "8x16:CAgIEBcwMFCRERIVGBAQEA==",
    "8x16:IBMA/AF4AHsAeElJSXlJAQ==",
    "8x16:ICA+SKgoEChGgAAQ+AggEA==",
    "8x16:ID9Avir/Sn8ECB8CPwEVIg==",
    "8x16:ID9IhRALICckJCckJCcgIA==",
    "8x16:QEBAQPxA4OBQUEj0QkBAQA==",
    "8x16:QH6QCAD4CMhISMhISMgIGA==",
    "8x16:UPxU/FT8APwA/AT8iFD+AA=="
  ]
};

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
var sharedGlyphs = new GlyphTable(learned_glyphs_default);
var sharedRows = new RememberedRows();
async function closeSharedOcr() {
  const current = shared;
  shared = void 0;
  if (!current) return;
  if (current.idle) clearTimeout(current.idle);
  await current.worker.then((w) => w.close()).catch(() => {
  });
}
var PARTIAL_READ_MAX_SHARE = 0.5;
var GLYPH_MIN_SHARE = 0.9;
var ScreenReader = class _ScreenReader {
  constructor(worker, useGlyphs) {
    this.worker = worker;
    this.useGlyphs = useGlyphs;
  }
  worker;
  useGlyphs;
  known = /* @__PURE__ */ new Map();
  /** The last screen read, to find what changed since. */
  last;
  closed = false;
  /** A reader on the shared worker; close() lets go of it. */
  static async open(options = {}) {
    try {
      return new _ScreenReader(await acquire(), options.glyphs ?? true);
    } catch (err) {
      release();
      throw err;
    }
  }
  async read(screen) {
    const digest = screenDigest(screen);
    const known = this.known.get(digest);
    if (known !== void 0) {
      this.remember(digest, screen, known.lines);
      return { text: composeScreenText(known.lines), source: known.source, lines: known.lines, cached: true, ms: 0 };
    }
    const started = performance.now();
    const grids = [];
    const best = this.useGlyphs ? bestReading(screen, sharedGlyphs, grids) : void 0;
    let read;
    if (best && best.reading.unknownRows.length === 0) {
      read = { lines: best.reading.lines, source: "glyphs" };
    } else if (best && best.reading.knownCells >= GLYPH_MIN_SHARE * best.reading.inkCells) {
      read = await this.readMixed(screen, best.grid, best.reading);
    } else {
      read = { ...await this.readWithTesseract(screen), source: "tesseract" };
      for (const grid of grids) sharedGlyphs.learn(grid, read.lines);
    }
    const { lines, source, rowsRead } = read;
    this.known.set(digest, { lines, source });
    if (this.known.size > REMEMBERED) this.known.delete(this.known.keys().next().value);
    this.remember(digest, screen, lines);
    return { text: composeScreenText(lines), source, lines, cached: false, ms: performance.now() - started, ...rowsRead !== void 0 ? { rowsRead } : {} };
  }
  /** Forgets every screen read, so the next is read whole (as a first sight is). */
  forget() {
    this.known.clear();
    this.last = void 0;
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    this.last = void 0;
    release();
  }
  /** The whole screen, or only its changed rows when few changed since the last read (by Tesseract). */
  async readWithTesseract(screen) {
    const grey = screenToGrey(screen);
    const last = this.last;
    const bands = last && last.width === screen.width && last.height === screen.height ? bandsToRead(changedRows(last.rgba, screen.rgba, screen.width, screen.height), last.lines, screen.height) : void 0;
    const bandRows = bands?.reduce((sum, b) => sum + b.end - b.start, 0) ?? Infinity;
    if (last && bands && bandRows <= screen.height * PARTIAL_READ_MAX_SHARE) {
      const found = bands.length === 0 ? [] : await this.readBands(grey, bands);
      return { lines: [...last.lines.filter((line) => !inBands(line, bands)), ...found], rowsRead: bandRows };
    }
    return { lines: await this.worker.recognizeLines(greyToPgm(grey)) };
  }
  /**
   * The rows with an unknown glyph by Tesseract (which teaches the table their glyphs), unless the
   * same row was read before; the rest from the glyphs. Tesseract is shown only the columns those
   * rows have text in: its layout analysis costs by the pixel.
   */
  async readMixed(screen, grid, reading) {
    const { cell } = grid;
    const lines = [...reading.lines];
    const toRead = [];
    for (const [row, { glyphs }] of reading.unknown) {
      const before = sharedRows.find(cell, glyphs, row);
      if (before) lines.push(...before);
      else toRead.push(row);
    }
    if (toRead.length === 0) return { lines, source: "mixed", rowsRead: 0 };
    const bands = toRead.map((r) => ({ start: Math.max(0, r * cell.height - BAND_MARGIN), end: Math.min(screen.height, (r + 1) * cell.height + BAND_MARGIN) }));
    const first = Math.min(...toRead.map((r) => reading.unknown.get(r).first));
    const last = Math.max(...toRead.map((r) => reading.unknown.get(r).last));
    const x0 = Math.max(0, (first - 1) * cell.width);
    const x1 = Math.min(screen.width, (last + 2) * cell.width);
    const found = (await this.readBands(cropGrey(screenToGrey(screen), x0, x1), bands)).map((l) => ({ ...l, left: l.left + x0 }));
    for (const row of toRead) {
      const inRow = found.filter((l) => Math.floor((l.top + l.bottom) / 2 / cell.height) === row);
      sharedRows.remember(cell, reading.unknown.get(row).glyphs, row, inRow);
      lines.push(...inRow);
    }
    sharedGlyphs.learn(grid, found);
    return { lines, source: "mixed", rowsRead: bands.reduce((sum, b) => sum + b.end - b.start, 0) };
  }
  async readBands(grey, bands) {
    const { image, offsets } = stackBands(grey.grey, grey.width, bands, grey.background);
    return unstackLines(await this.worker.recognizeLines(image), bands, offsets);
  }
  remember(digest, screen, lines) {
    if (this.last?.digest === digest) return;
    const rgba = this.last && this.last.rgba.length === screen.rgba.length ? this.last.rgba : new Uint8Array(screen.rgba.length);
    rgba.set(screen.rgba);
    this.last = { digest, width: screen.width, height: screen.height, rgba, lines };
  }
};
function cropGrey(grey, x0, x1) {
  const width = x1 - x0;
  const out = new Uint8Array(width * grey.height);
  for (let y = 0; y < grey.height; y++) out.set(grey.grey.subarray(y * grey.width + x0, y * grey.width + x1), y * width);
  return { ...grey, width, grey: out };
}
function bestReading(screen, table, grids) {
  let best;
  for (const size of fittingCellSizes(screen.width, screen.height)) {
    const grid = cellGrid(screen, size);
    grids.push(grid);
    const reading = readGlyphs(grid, table);
    if (reading.unknownRows.length === 0) return { grid, reading };
    if (!best || reading.knownCells > best.reading.knownCells) best = { grid, reading };
  }
  return best;
}

// src/core/ocr/screen-text.ts
function normaliseScreenText(text) {
  return text.replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"').replace(/[\u2018\u2019\u201a\u201b\u2032`]/g, "'").replace(/[ \t\u00a0]+/g, " ").replace(/ ([:;,.!?)\]}])/g, "$1").replace(/([([{]) /g, "$1").replace(/ *\n[ \n]*/g, "\n").trim();
}
function screenTextMatches(pattern, text) {
  const re = new RegExp(pattern, "i");
  return re.test(text) || re.test(normaliseScreenText(text));
}

export {
  closeSharedOcr,
  ScreenReader,
  require_png,
  screenTextMatches
};
