// Hostile workbooks for issue 8 point 8, built byte by byte so a test controls exactly what is inside: a
// minimal valid xlsx (content types, relationships, workbook, an empty shared-string table, one sheet of
// inline strings) whose sheet XML is produced by a generator and deflated as it is produced — a 300 MB sheet
// never exists in the test's memory.
import { constants, crc32, createDeflateRaw } from 'node:zlib';

interface Part {
  name: string;
  chunks: Iterable<string>;
}

async function deflatePart(part: Part): Promise<{ name: Buffer; data: Buffer; crc: number; size: number }> {
  const deflate = createDeflateRaw({ level: constants.Z_BEST_COMPRESSION });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  let crc = 0;
  let size = 0;
  for (const chunk of part.chunks) {
    const bytes = Buffer.from(chunk, 'utf8');
    crc = crc32(bytes, crc);
    size += bytes.length;
    if (!deflate.write(bytes)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return { name: Buffer.from(part.name, 'utf8'), data: Buffer.concat(out), crc, size };
}

/** A zip of deflated parts, in order (local headers, data, central directory, end record). */
async function zip(parts: Part[], declaredSize?: number): Promise<Buffer> {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const p = await deflatePart(part);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(0x0800, 6); // UTF-8 names
    h.writeUInt16LE(8, 8); // deflate
    h.writeUInt32LE(p.crc >>> 0, 14);
    h.writeUInt32LE(p.data.length, 18);
    h.writeUInt32LE(declaredSize ?? p.size, 22);
    h.writeUInt16LE(p.name.length, 26);
    local.push(h, p.name, p.data);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(p.crc >>> 0, 16);
    c.writeUInt32LE(p.data.length, 20);
    c.writeUInt32LE(declaredSize ?? p.size, 24);
    c.writeUInt16LE(p.name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, p.name);
    offset += 30 + p.name.length + p.data.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, dir, end]);
}

const xmlEscape = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const COLUMNS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** One <row> of inline-string cells from column A on, plus optional extra raw cell XML. */
export function rowXml(r: number, cells: readonly string[], extra = ''): string {
  const cs = cells.map((v, i) => (v === '' ? '' : `<c r="${COLUMNS[i]}${r}" t="inlineStr"><is><t>${xmlEscape(v)}</t></is></c>`)).join('');
  return `<row r="${r}">${cs}${extra}</row>`;
}

/** A valid xlsx whose one sheet's <sheetData> is `rows` (XML strings, produced lazily). */
export async function xlsxOf(rows: Iterable<string>, declaredSize?: number): Promise<Buffer> {
  const sheet = function* () {
    yield '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
    yield* rows;
    yield '</sheetData></worksheet>';
  };
  return zip([
    {
      name: '[Content_Types].xml',
      chunks: [
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
      ],
    },
    {
      name: '_rels/.rels',
      chunks: [
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
      ],
    },
    {
      name: 'xl/workbook.xml',
      chunks: [
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名册" sheetId="1" r:id="rId1"/></sheets></workbook>',
      ],
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      chunks: [
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
      ],
    },
    {
      name: 'xl/sharedStrings.xml',
      chunks: ['<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>'],
    },
    { name: 'xl/worksheets/sheet1.xml', chunks: sheet() },
  ], declaredSize);
}

const HEADER = ['姓名', '账号', '性别', '出生日期', '入党日期', '转正日期', '党总支', '党支部'];

/** `members` valid roster rows, each with one more cell in column XFD (the last Excel has). */
export function farRightCellXlsx(members: number): Promise<Buffer> {
  return xlsxOf(
    (function* () {
      yield rowXml(1, HEADER);
      for (let i = 0; i < members; i += 1) {
        const r = i + 2;
        yield rowXml(r, [`党员${i}`, `member${i}`, '男', '', '2010-07-01', '', '某党总支', '某党支部'], `<c r="XFD${r}" t="inlineStr"><is><t>x</t></is></c>`);
      }
    })(),
  );
}

/**
 * A valid xlsx (header, one member) whose sheet XML inflates to `megabytes` MB of padding. `lying`: the zip
 * declares every part 1 KB, so only really inflating it finds out.
 */
export function zipBombXlsx(megabytes: number, lying = false): Promise<Buffer> {
  const padding = ' '.repeat(1024 * 1024);
  return xlsxOf(
    (function* () {
      yield rowXml(1, HEADER);
      yield rowXml(2, ['王芳', 'wangfang01', '女', '', '2010-07-01', '', '某党总支', '某党支部']);
      for (let i = 0; i < megabytes; i += 1) yield padding;
    })(),
    lying ? 1024 : undefined,
  );
}
