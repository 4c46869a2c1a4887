package msi

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// maxTableBytes caps one table stream. The biggest tables of real packages
// (File, Registry) are a few megabytes at most. Decoding expands a 2-byte
// cell into a 24-byte Value (strings are shared through the pool), so the
// cap also bounds a table in memory to about 200 MB.
const maxTableBytes = 16 << 20

// maxTables: the standard schema has fewer than 100 tables and authoring
// tools add a handful; a larger _Tables is damage or an attack on memory.
const maxTables = 4096

// maxColumns: Windows Installer allows at most 32 columns per table (SDK,
// "Column Definition Format"); the margin tolerates odd authoring tools.
const maxColumns = 64

// ColumnType is a column's type word as stored in _Columns. Bit values are
// those of the SDK's MsiViewGetColumnInfo documentation and libmsi's
// msipriv.h (MSITYPE_*).
type ColumnType uint16

const (
	typeWidthMask   ColumnType = 0x00ff
	typeValid       ColumnType = 0x0100
	typeLocalizable ColumnType = 0x0200
	typeString      ColumnType = 0x0800
	typeNullable    ColumnType = 0x1000
	typeKey         ColumnType = 0x2000
	typeTemporary   ColumnType = 0x4000
)

// IsBinary reports a stream column: the cell names a stream holding the data.
// Such a column has exactly the string and valid bits set (MSITYPE_IS_BINARY
// in libmsi).
func (t ColumnType) IsBinary() bool  { return t&^typeNullable == typeString|typeValid }
func (t ColumnType) IsString() bool  { return t&typeString != 0 && !t.IsBinary() }
func (t ColumnType) Nullable() bool  { return t&typeNullable != 0 }
func (t ColumnType) IsKey() bool     { return t&typeKey != 0 }
func (t ColumnType) Width() int      { return int(t & typeWidthMask) }
func (t ColumnType) Temporary() bool { return t&typeTemporary != 0 }

// String gives the column definition in the notation of .idt files and of
// `msiinfo export` (SDK, "Column Definition Format"): s/l/i/v for string,
// localizable string, integer and binary, upper case when nullable, then the
// width.
func (t ColumnType) String() string {
	var c byte
	switch {
	case t.IsBinary():
		c = 'v'
	case t&typeString != 0 && t&typeLocalizable != 0:
		c = 'l'
	case t&typeString != 0:
		c = 's'
	default:
		c = 'i'
	}
	if t.Nullable() {
		c -= 'a' - 'A'
	}
	return string(c) + strconv.Itoa(t.Width())
}

// storedWidth is the number of bytes a cell of this column takes in a table
// stream (libmsi bytes_per_column): binary columns 2, strings the width of a
// string reference, integers 2 or 4.
func (t ColumnType) storedWidth(refSize int) int {
	switch {
	case t.IsBinary():
		return 2
	case t&typeString != 0:
		return refSize
	case t.Width() <= 2:
		return 2
	default:
		return 4
	}
}

// Column describes one column of a table.
type Column struct {
	Name   string     `json:"Name"`
	Number int        `json:"Number"`
	Type   ColumnType `json:"Type"`
}

// Kind tells what a Value holds.
type Kind uint8

const (
	Null Kind = iota
	Int
	String
	Stream // a binary cell: Str is the name of the stream with the data
)

// Value is one table cell.
type Value struct {
	Kind Kind
	Int  int32
	Str  string
}

// String formats a cell the way `msiinfo export` does: integers in decimal,
// nulls as the empty string, stream cells as the stream name.
func (v Value) String() string {
	switch v.Kind {
	case Int:
		return strconv.FormatInt(int64(v.Int), 10)
	case String, Stream:
		return v.Str
	}
	return ""
}

// Table is a decoded table.
type Table struct {
	Name    string
	Columns []Column
	Rows    [][]Value
}

// Column returns the index of the named column, or -1.
func (t *Table) Column(name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// schema is the content of _Tables and _Columns.
type schema struct {
	tables  []string
	columns map[string][]Column
}

// The two system tables describe themselves; their layout is fixed (libmsi
// _Tables_cols and _Columns_cols in table.c).
func tablesColumns() []Column {
	return []Column{{Name: "Name", Number: 1, Type: typeValid | typeString | typeKey | 64}}
}

func columnsColumns() []Column {
	return []Column{
		{Name: "Table", Number: 1, Type: typeValid | typeString | typeKey | 64},
		{Name: "Number", Number: 2, Type: typeValid | typeKey | 2},
		{Name: "Name", Number: 3, Type: typeValid | typeString | 64},
		{Name: "Type", Number: 4, Type: typeValid | 2},
	}
}

// parseSchema decodes _Tables and _Columns.
func parseSchema(tablesData, columnsData []byte, sp *stringPool) (*schema, error) {
	tt, err := decodeTable("_Tables", tablesColumns(), tablesData, sp)
	if err != nil {
		return nil, err
	}
	ct, err := decodeTable("_Columns", columnsColumns(), columnsData, sp)
	if err != nil {
		return nil, err
	}
	s := &schema{columns: make(map[string][]Column)}
	for _, r := range tt.Rows {
		name := r[0].Str
		if name == "" {
			return nil, fmt.Errorf("_Tables lists a table without a name")
		}
		if _, dup := s.columns[name]; dup {
			return nil, fmt.Errorf("_Tables lists table %q twice", name)
		}
		if len(s.tables) >= maxTables {
			return nil, fmt.Errorf("_Tables lists more than %d tables", maxTables)
		}
		s.tables = append(s.tables, name)
		s.columns[name] = nil
	}
	for i, r := range ct.Rows {
		table, num, name, typ := r[0], r[1], r[2], r[3]
		if _, known := s.columns[table.Str]; !known {
			// libmsi ignores _Columns rows of tables missing from _Tables
			continue
		}
		if num.Kind != Int || typ.Kind != Int || name.Str == "" {
			return nil, fmt.Errorf("_Columns row %d (%s) is incomplete", i+1, table.Str)
		}
		if len(s.columns[table.Str]) >= maxColumns {
			return nil, fmt.Errorf("table %q has more than %d columns", table.Str, maxColumns)
		}
		s.columns[table.Str] = append(s.columns[table.Str], Column{Name: name.Str, Number: int(num.Int), Type: ColumnType(uint16(typ.Int))})
	}
	for name, cols := range s.columns {
		if len(cols) == 0 {
			return nil, fmt.Errorf("table %q has no columns in _Columns", name)
		}
		sorted := make([]Column, len(cols))
		for _, c := range cols {
			if c.Number < 1 || c.Number > len(cols) {
				return nil, fmt.Errorf("table %q: column %q has number %d, want 1..%d", name, c.Name, c.Number, len(cols))
			}
			if sorted[c.Number-1].Number != 0 {
				return nil, fmt.Errorf("table %q: two columns have number %d", name, c.Number)
			}
			sorted[c.Number-1] = c
		}
		s.columns[name] = sorted
	}
	return s, nil
}

// decodeTable decodes a table stream. Data is stored column by column: all
// cells of column 1, then all of column 2, and so on (libmsi
// read_table_from_storage). Integers are stored with their sign bit flipped
// (value + 0x8000 or + 0x80000000) so that 0 can mean null; string cells
// hold string pool ids, 0 meaning null. A missing stream is an empty table.
func decodeTable(name string, cols []Column, data []byte, sp *stringPool) (*Table, error) {
	t := &Table{Name: name, Columns: cols}
	if len(cols) == 0 {
		return nil, fmt.Errorf("table %q has no columns", name)
	}
	rowSize := 0
	for _, c := range cols {
		rowSize += c.Type.storedWidth(sp.refSize)
	}
	if len(data)%rowSize != 0 {
		return nil, fmt.Errorf("table %q: stream is %d bytes, not a whole number of %d-byte rows", name, len(data), rowSize)
	}
	n := len(data) / rowSize
	if n == 0 {
		return t, nil
	}
	cells := make([]Value, n*len(cols))
	t.Rows = make([][]Value, n)
	for i := range t.Rows {
		t.Rows[i] = cells[i*len(cols) : (i+1)*len(cols) : (i+1)*len(cols)]
	}
	base := 0
	for j, c := range cols {
		w := c.Type.storedWidth(sp.refSize)
		for i := range n {
			raw := leUint(data[base+i*w : base+(i+1)*w])
			v, err := cellValue(c.Type, raw, w, sp)
			if err != nil {
				return nil, fmt.Errorf("table %q row %d column %q: %w", name, i+1, c.Name, err)
			}
			t.Rows[i][j] = v
		}
		base += n * w
	}
	// A binary cell names the stream "Table.Key1.Key2..." (libmsi
	// msi_stream_name; e.g. Icon row "app.ico" is stream "Icon.app.ico").
	for j, c := range cols {
		if !c.Type.IsBinary() {
			continue
		}
		for i := range n {
			t.Rows[i][j] = Value{Kind: Stream, Str: streamNameForRow(t, i)}
		}
	}
	return t, nil
}

func streamNameForRow(t *Table, i int) string {
	parts := []string{t.Name}
	for j, c := range t.Columns {
		if c.Type.IsKey() {
			parts = append(parts, t.Rows[i][j].String())
		}
	}
	return strings.Join(parts, ".")
}

func cellValue(typ ColumnType, raw uint32, width int, sp *stringPool) (Value, error) {
	switch {
	case typ.IsBinary():
		return Value{}, nil // named after the keys once the row is complete
	case typ&typeString != 0:
		if raw == 0 {
			return Value{}, nil
		}
		s, err := sp.get(raw)
		if err != nil {
			return Value{}, err
		}
		return Value{Kind: String, Str: s}, nil
	case raw == 0:
		return Value{}, nil
	case width == 2:
		return Value{Kind: Int, Int: int32(raw) - 0x8000}, nil
	default:
		return Value{Kind: Int, Int: int32(raw ^ 0x80000000)}, nil
	}
}

func leUint(b []byte) uint32 {
	switch len(b) {
	case 2:
		return uint32(binary.LittleEndian.Uint16(b))
	case 3:
		return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
	default:
		return binary.LittleEndian.Uint32(b)
	}
}
