package msi

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// ErrNoTable is wrapped by Table when the database has no such table.
var ErrNoTable = errors.New("no such table")

// Package is an open installer database. It is not safe for concurrent use.
type Package struct {
	c       *container
	closer  io.Closer
	summary Summary
	pool    *stringPool
	schema  *schema
	tables  map[string]*Table
}

// Open opens the MSI file at path. Close releases it.
func Open(path string) (*Package, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	p, err := New(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p.closer = f
	return p, nil
}

// New reads a package from r, which holds size bytes. It reads the compound
// file directory, the summary information, the string pool and the schema;
// tables are read when first asked for.
func New(r io.ReaderAt, size int64) (*Package, error) {
	c, err := openContainer(r, size)
	if err != nil {
		return nil, err
	}
	p := &Package{c: c, tables: make(map[string]*Table)}
	for _, s := range []string{"_StringPool", "_StringData", "_Tables", "_Columns"} {
		if !c.has(s) {
			return nil, fmt.Errorf("not an MSI database: the compound file has no %s stream", s)
		}
	}
	pool, err := c.read("_StringPool", maxPoolBytes)
	if err != nil {
		return nil, err
	}
	data, err := c.read("_StringData", maxStringDataBytes)
	if err != nil {
		return nil, err
	}
	if p.pool, err = parseStringPool(pool, data); err != nil {
		return nil, err
	}
	tables, err := c.read("_Tables", maxTableBytes)
	if err != nil {
		return nil, err
	}
	columns, err := c.read("_Columns", maxTableBytes)
	if err != nil {
		return nil, err
	}
	if p.schema, err = parseSchema(tables, columns, p.pool); err != nil {
		return nil, err
	}
	if c.has(summaryStream) {
		b, err := c.read(summaryStream, maxSummaryBytes)
		if err != nil {
			return nil, err
		}
		if p.summary, err = parseSummary(b); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Close releases the file opened by Open.
func (p *Package) Close() error {
	if p.closer == nil {
		return nil
	}
	return p.closer.Close()
}

// Summary returns the summary information. A package without the summary
// stream gives the zero Summary; the pre-flight checks report that.
func (p *Package) Summary() Summary { return p.summary }

// HasSummary reports whether the package has a summary information stream.
func (p *Package) HasSummary() bool { return p.c.has(summaryStream) }

// Codepage is the database code page from the string pool header.
func (p *Package) Codepage() int { return p.pool.codepage }

// LongStringRefs reports whether table cells refer to strings with 3 bytes
// (databases with more than 65535 strings).
func (p *Package) LongStringRefs() bool { return p.pool.refSize == 3 }

// TableNames lists the tables in _Tables order.
func (p *Package) TableNames() []string { return slices.Clone(p.schema.tables) }

// HasTable reports whether the database defines the table.
func (p *Package) HasTable(name string) bool {
	_, ok := p.schema.columns[name]
	return ok
}

// Table decodes a table, reading its stream on first use.
func (p *Package) Table(name string) (*Table, error) {
	if t, ok := p.tables[name]; ok {
		return t, nil
	}
	cols, ok := p.schema.columns[name]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoTable, name)
	}
	var data []byte
	if p.c.has(name) {
		var err error
		if data, err = p.c.read(name, maxTableBytes); err != nil {
			return nil, err
		}
	}
	t, err := decodeTable(name, cols, data, p.pool)
	if err != nil {
		return nil, err
	}
	p.tables[name] = t
	return t, nil
}

// StreamSize gives the size of a stream, such as the one named by a binary
// cell, without reading it.
func (p *Package) StreamSize(name string) (int64, bool) { return p.c.streamSize(name) }
