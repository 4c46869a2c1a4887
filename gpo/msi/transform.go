package msi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Transforms (.mst). A transform is a compound file whose root storage has
// the class id {000C1082-0000-0000-C000-000000000046} and holds
//
//   - \x05SummaryInformation: which product the transform is for and how
//     Windows Installer validates that (see Validation);
//   - its own string pool (_StringPool, _StringData), in the code page of the
//     database it was made from;
//   - one stream per changed table, named like the table's stream in a
//     database, holding the changed rows one after the other (not column by
//     column as in a database). Each row starts with a 16-bit mask:
//     0 deletes the row whose key cells follow; a mask with bit 0 set adds a
//     row and its high byte is the number of cells that follow (all columns
//     in order); any other mask changes a row: bit i says column i follows,
//     and the key cells always follow. Cells are encoded as in a database
//     (string ids of the transform's pool, integers with the sign bit
//     flipped, 0 for null).
//
// The row layout is the one of the transform that Wine's
// dlls/msi/tests/db.c (test_try_transform) writes by hand and applies with
// MsiDatabaseApplyTransform; Wine's tests run on Windows too, so that layout
// is what Windows Installer accepts. libmsi's msi_table_load_transform
// (libmsi/table.c) reads the same layout, and is what the tests apply our
// transforms with.

// transformCLSID is {000C1082-0000-0000-C000-000000000046} as stored (the
// first three fields little-endian); libmsi's clsid_msi_transform.
var transformCLSID = [16]byte{0x82, 0x10, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}

const transformCLSIDString = "{000C1082-0000-0000-C000-000000000046}"

// ErrNotTransform is returned for a compound file that is not a transform.
var ErrNotTransform = errors.New("not a Windows Installer transform")

// Validation is the set of checks Windows Installer makes before it applies
// a transform: the high word of the transform's Character Count summary
// property (SDK, "Character Count Summary"). Values are the
// MSITRANSFORM_VALIDATE_* flags of MsiCreateTransformSummaryInfo (SDK,
// msiquery.h).
type Validation uint16

const (
	ValidateLanguage    Validation = 0x0001 // ProductLanguage must match the base's
	ValidateProduct     Validation = 0x0002 // ProductCode must match the base's
	ValidatePlatform    Validation = 0x0004 // platform (Template) must match the base's
	ValidateMajorVer    Validation = 0x0008 // compare the major version only
	ValidateMinorVer    Validation = 0x0010 // compare major and minor
	ValidateUpdateVer   Validation = 0x0020 // compare major, minor and update
	ValidateLess        Validation = 0x0040 // applied version < base version
	ValidateLessEqual   Validation = 0x0080 // applied version <= base version
	ValidateEqual       Validation = 0x0100 // applied version = base version
	ValidateGreaterEq   Validation = 0x0200 // applied version >= base version
	ValidateGreater     Validation = 0x0400 // applied version > base version
	ValidateUpgradeCode Validation = 0x0800 // UpgradeCode must match the base's
)

// DefaultValidation ties a transform to exactly the MSI it was made from:
// same product, same UpgradeCode, same language, same major.minor.update
// version. A Group Policy package's transform is made for one MSI; an
// upgrade to a new MSI gets a new transform.
const DefaultValidation = ValidateProduct | ValidateUpgradeCode | ValidateLanguage | ValidateUpdateVer | ValidateEqual

var validationNames = []struct {
	v    Validation
	name string
}{
	{ValidateLanguage, "language"}, {ValidateProduct, "product"}, {ValidatePlatform, "platform"},
	{ValidateMajorVer, "major-version"}, {ValidateMinorVer, "minor-version"}, {ValidateUpdateVer, "update-version"},
	{ValidateLess, "version<base"}, {ValidateLessEqual, "version<=base"}, {ValidateEqual, "version=base"},
	{ValidateGreaterEq, "version>=base"}, {ValidateGreater, "version>base"}, {ValidateUpgradeCode, "upgrade-code"},
}

// Names lists the set flags, in the order of the SDK's table.
func (v Validation) Names() []string {
	out := []string{}
	for _, n := range validationNames {
		if v&n.v != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// ErrorConditions are the errors Windows Installer is told to ignore when it
// applies the transform: the low word of Character Count
// (MSITRANSFORM_ERROR_* of MsiCreateTransformSummaryInfo).
type ErrorConditions uint16

const (
	IgnoreAddExistingRow   ErrorConditions = 0x0001
	IgnoreDelMissingRow    ErrorConditions = 0x0002
	IgnoreAddExistingTable ErrorConditions = 0x0004
	IgnoreDelMissingTable  ErrorConditions = 0x0008
	IgnoreUpdateMissingRow ErrorConditions = 0x0010
	IgnoreChangeCodepage   ErrorConditions = 0x0020
)

// maxTransformStreamBytes caps one table stream of a transform, as for a
// database's.
const maxTransformStreamBytes = maxTableBytes

// RowOp is what a transform does to one row.
type RowOp uint8

const (
	RowInsert RowOp = iota + 1
	RowUpdate
	RowDelete
)

func (o RowOp) String() string {
	switch o {
	case RowInsert:
		return "add"
	case RowUpdate:
		return "change"
	case RowDelete:
		return "remove"
	}
	return "op" + strconv.Itoa(int(o))
}

// RowChange is one row of a table change. Cells are by column name: the key
// columns always; for RowInsert every column (a missing one is null); for
// RowUpdate the changed columns.
type RowChange struct {
	Op    RowOp
	Cells map[string]Value
}

// TableChange is what a transform does to one table.
type TableChange struct {
	Table string
	Rows  []RowChange
}

// TransformOptions are the summary settings of a new transform.
type TransformOptions struct {
	Validation Validation
	Ignore     ErrorConditions
	// Created is stored as the creation and last-saved time; zero means now.
	Created time.Time
}

// transformAppName is the Creating Application summary property.
const transformAppName = "ctitui"

// CreateTransform writes a transform that makes changes to base. The
// changes are checked against base's schema and rows, and the summary
// information names base as the original product and base with the changes
// as the new one.
func CreateTransform(w io.Writer, base *Package, changes []TableChange, opt TransformOptions) error {
	id, err := base.identity()
	if err != nil {
		return err
	}
	switch {
	case id.ProductCode == "":
		return fmt.Errorf("base package: %w", ErrProductCodeMissing)
	case id.ProductVersion == "":
		return fmt.Errorf("base package: %w", ErrProductVersionMissing)
	}
	pool := newPoolBuilder(base.Codepage())
	var streams []cfbStream
	target := map[string]string{}
	props, err := base.PropertyMap()
	if err != nil {
		return err
	}
	for k, v := range props {
		target[k] = v
	}
	seenTable := map[string]bool{}
	// string ids are given in the order the tables are encoded; encode in
	// a fixed order so the same changes give the same file
	for _, tc := range changes {
		if seenTable[tc.Table] {
			return fmt.Errorf("table %s is listed twice in the changes", tc.Table)
		}
		seenTable[tc.Table] = true
		data, err := encodeTableChange(base, tc, pool)
		if err != nil {
			return err
		}
		streams = append(streams, cfbStream{Name: packStreamName(tc.Table, true), Data: data})
		if tc.Table == "Property" {
			for _, r := range tc.Rows {
				name := r.Cells["Property"].Str
				if r.Op == RowDelete {
					delete(target, name)
				} else {
					target[name] = r.Cells["Value"].Str
				}
			}
		}
	}
	if pool.refSize() != 2 {
		// cells were encoded with 2-byte references above
		return fmt.Errorf("transform needs more than 65535 strings")
	}
	sp, sd := pool.streams()
	streams = append(streams,
		cfbStream{Name: packStreamName("_StringPool", true), Data: sp},
		cfbStream{Name: packStreamName("_StringData", true), Data: sd})

	created := opt.Created
	if created.IsZero() {
		created = time.Now()
	}
	s := base.Summary()
	rev := fmt.Sprintf("%s%s;%s%s;%s", id.ProductCode, id.ProductVersion, target["ProductCode"], target["ProductVersion"], target["UpgradeCode"])
	cp := s.Codepage
	text := func(v string) ([]byte, error) { return encodeText(v, cp) }
	var sum []summaryProp
	add := func(pid uint32, v string) error {
		b, err := text(v)
		if err != nil {
			return fmt.Errorf("summary property %d: %w", pid, err)
		}
		sum = append(sum, summaryProp{id: pid, vt: vtLPSTR, s: b})
		return nil
	}
	sum = append(sum, summaryProp{id: pidCodepage, vt: vtI2, n: int32(int16(uint16(cp)))})
	for _, p := range []struct {
		pid uint32
		v   string
	}{
		{pidTitle, "Transform"},
		{pidTemplate, s.Template},   // the platform;languages the base must have
		{pidLastAuthor, s.Template}, // ... and the database has after the transform: unchanged
		{pidRevNumber, rev},
	} {
		if err := add(p.pid, p.v); err != nil {
			return err
		}
	}
	sum = append(sum,
		summaryProp{id: pidCreateTime, vt: vtFILETIME, ft: created},
		summaryProp{id: pidLastSaved, vt: vtFILETIME, ft: created},
		summaryProp{id: pidPageCount, vt: vtI4, n: int32(max(s.PageCount, 100))},
		summaryProp{id: pidCharCount, vt: vtI4, n: int32(uint32(opt.Validation)<<16 | uint32(opt.Ignore))},
	)
	if err := add(pidAppName, transformAppName); err != nil {
		return err
	}
	streams = append(streams, cfbStream{Name: summaryStream, Data: writeSummary(sum)})
	return writeCompoundFile(w, transformCLSID, streams)
}

// encodeTableChange encodes the rows of one table change against base's
// schema and current rows.
func encodeTableChange(base *Package, tc TableChange, pool *poolBuilder) ([]byte, error) {
	cols, ok := base.schema.columns[tc.Table]
	if !ok {
		// adding tables needs _Tables and _Columns rows: not written yet
		return nil, fmt.Errorf("%w: %s (a transform that adds a table is not supported)", ErrNoTable, tc.Table)
	}
	if !cols[0].Type.IsKey() {
		return nil, fmt.Errorf("table %s: the first column is not a key, so a change mask cannot be written", tc.Table)
	}
	if len(cols) > 16 {
		// the mask is 16 bits wide; how Windows marks columns beyond the 16th
		// is not known here
		return nil, fmt.Errorf("table %s has %d columns; transforms of tables with more than 16 columns are not supported", tc.Table, len(cols))
	}
	existing, err := base.Table(tc.Table)
	if err != nil {
		return nil, err
	}
	keyOf := func(cells func(i int) Value) string {
		var parts []string
		for i, c := range cols {
			if c.Type.IsKey() {
				parts = append(parts, cells(i).String())
			}
		}
		return strings.Join(parts, "\x00")
	}
	have := map[string]bool{}
	for _, r := range existing.Rows {
		have[keyOf(func(i int) Value { return r[i] })] = true
	}
	var out []byte
	seen := map[string]bool{}
	for n, rc := range tc.Rows {
		for name := range rc.Cells {
			if slices.IndexFunc(cols, func(c Column) bool { return c.Name == name }) < 0 {
				return nil, fmt.Errorf("table %s has no column %s", tc.Table, name)
			}
		}
		for _, c := range cols {
			if c.Type.IsKey() && rc.Cells[c.Name].Kind == Null {
				return nil, fmt.Errorf("table %s row %d: key column %s is missing", tc.Table, n+1, c.Name)
			}
		}
		key := keyOf(func(i int) Value { return rc.Cells[cols[i].Name] })
		if seen[key] {
			return nil, fmt.Errorf("table %s: row %s is changed twice", tc.Table, strings.ReplaceAll(key, "\x00", ", "))
		}
		seen[key] = true
		shown := strings.ReplaceAll(key, "\x00", ", ")
		var mask uint16
		present := make([]bool, len(cols))
		switch rc.Op {
		case RowInsert:
			if have[key] {
				return nil, fmt.Errorf("table %s: row %s exists already; change it instead of adding it", tc.Table, shown)
			}
			mask = uint16(len(cols))<<8 | 1
			for i := range cols {
				present[i] = true
			}
		case RowUpdate:
			if !have[key] {
				return nil, fmt.Errorf("table %s: row %s does not exist; add it instead of changing it", tc.Table, shown)
			}
			for i, c := range cols {
				if c.Type.IsKey() {
					present[i] = true
				} else if _, ok := rc.Cells[c.Name]; ok {
					present[i] = true
					mask |= 1 << i
				}
			}
			if mask == 0 {
				return nil, fmt.Errorf("table %s: the change of row %s changes no column", tc.Table, shown)
			}
		case RowDelete:
			if !have[key] {
				return nil, fmt.Errorf("table %s: row %s does not exist, so it cannot be removed", tc.Table, shown)
			}
			for i, c := range cols {
				present[i] = c.Type.IsKey()
			}
		default:
			return nil, fmt.Errorf("table %s row %d: unknown operation %d", tc.Table, n+1, rc.Op)
		}
		out = binary.LittleEndian.AppendUint16(out, mask)
		for i, c := range cols {
			if !present[i] {
				continue
			}
			v := rc.Cells[c.Name]
			raw, err := encodeCell(c, v, pool, rc.Op == RowDelete)
			if err != nil {
				return nil, fmt.Errorf("table %s row %s column %s: %w", tc.Table, shown, c.Name, err)
			}
			w := c.Type.storedWidth(2)
			for b := range w {
				out = append(out, byte(raw>>(8*b)))
			}
		}
	}
	return out, nil
}

// encodeCell gives the stored form of a cell (see cellValue, its inverse).
func encodeCell(c Column, v Value, pool *poolBuilder, keyOnly bool) (uint32, error) {
	switch {
	case c.Type.IsBinary():
		return 0, fmt.Errorf("binary (stream) columns are not supported in transforms yet")
	case v.Kind == Null:
		if !c.Type.Nullable() && !keyOnly {
			return 0, fmt.Errorf("the column does not accept null (an empty value)")
		}
		return 0, nil
	case c.Type&typeString != 0:
		if v.Kind != String {
			return 0, fmt.Errorf("the column holds strings, not %v", v)
		}
		if w := c.Type.Width(); w > 0 && len([]rune(v.Str)) > w {
			return 0, fmt.Errorf("%q is longer than the %d characters the column holds", v.Str, w)
		}
		return pool.id(v.Str)
	case v.Kind != Int:
		return 0, fmt.Errorf("the column holds integers, not %q", v.Str)
	case c.Type.storedWidth(2) == 2:
		if v.Int < -0x7FFF || v.Int > 0x7FFF {
			return 0, fmt.Errorf("%d does not fit in a 2-byte integer column", v.Int)
		}
		return uint32(v.Int + 0x8000), nil
	default:
		if v.Int == -0x80000000 {
			return 0, fmt.Errorf("%d is the null marker of a 4-byte integer column", v.Int)
		}
		return uint32(v.Int) ^ 0x80000000, nil
	}
}

// maxPropertyName is the width of the Property table's key column (s72).
const maxPropertyName = 72

// CheckPublicProperty says why name cannot be preset for every computer:
// only public properties can be set from outside the package (SDK, "Public
// Properties": their names have no lower-case letters), and a property name
// is an Identifier (SDK, "Identifier" data type: a letter or underscore,
// then letters, digits, underscores and periods) of at most 72 characters.
func CheckPublicProperty(name string) error {
	if name == "" {
		return fmt.Errorf("empty property name")
	}
	if len(name) > maxPropertyName {
		return fmt.Errorf("property name %s is %d characters; the Property table holds at most %d", name, len(name), maxPropertyName)
	}
	for i, c := range []byte(name) {
		switch {
		case c >= 'a' && c <= 'z':
			return fmt.Errorf("%s is not a public property (public property names have no lower-case letters): private properties belong to the package's own logic, and Windows Installer passes only public ones to the installation's server side, where a Group Policy installation runs", name)
		case c >= 'A' && c <= 'Z', c == '_':
		case (c >= '0' && c <= '9') || c == '.':
			if i == 0 {
				return fmt.Errorf("property name %s must start with a letter or an underscore", name)
			}
		default:
			return fmt.Errorf("property name %s has %q; names are letters, digits, underscores and periods", name, c)
		}
	}
	return nil
}

// PropertyChanges builds the change of base's Property table that sets the
// given properties (adding the missing ones, changing the others) and
// removes the named ones. Setting a property to the value it already has is
// not a change and is left out. An empty value is refused: the Value column
// does not accept null, and Windows Installer treats an empty property as
// absent, so remove it instead.
func PropertyChanges(base *Package, set []Property, remove []string) (TableChange, error) {
	tc := TableChange{Table: "Property"}
	props, err := base.PropertyMap()
	if err != nil {
		return tc, err
	}
	named := map[string]bool{}
	for _, p := range set {
		if err := CheckPublicProperty(p.Name); err != nil {
			return tc, err
		}
		if named[p.Name] {
			return tc, fmt.Errorf("property %s is given twice", p.Name)
		}
		named[p.Name] = true
		if p.Value == "" {
			return tc, fmt.Errorf("property %s: an empty value cannot be stored; remove the property instead", p.Name)
		}
		old, exists := props[p.Name]
		switch {
		case exists && old == p.Value:
			continue
		case exists:
			tc.Rows = append(tc.Rows, RowChange{Op: RowUpdate, Cells: map[string]Value{
				"Property": {Kind: String, Str: p.Name}, "Value": {Kind: String, Str: p.Value}}})
		default:
			tc.Rows = append(tc.Rows, RowChange{Op: RowInsert, Cells: map[string]Value{
				"Property": {Kind: String, Str: p.Name}, "Value": {Kind: String, Str: p.Value}}})
		}
	}
	for _, name := range remove {
		if err := CheckPublicProperty(name); err != nil {
			return tc, err
		}
		if named[name] {
			return tc, fmt.Errorf("property %s is both set and removed", name)
		}
		named[name] = true
		if _, ok := props[name]; !ok {
			return tc, fmt.Errorf("property %s is not in the package's Property table, so there is nothing to remove", name)
		}
		tc.Rows = append(tc.Rows, RowChange{Op: RowDelete, Cells: map[string]Value{"Property": {Kind: String, Str: name}}})
	}
	return tc, nil
}

// TransformInfo is what a transform says about itself and what it changes.
type TransformInfo struct {
	Codepage          int             `json:"Codepage"`
	Summary           Summary         `json:"Summary"`
	BaseProductCode   string          `json:"BaseProductCode"`
	BaseVersion       string          `json:"BaseVersion"`
	TargetProductCode string          `json:"TargetProductCode"`
	TargetVersion     string          `json:"TargetVersion"`
	UpgradeCode       string          `json:"UpgradeCode"`
	Validation        Validation      `json:"Validation"`
	Ignore            ErrorConditions `json:"IgnoredErrors"`
	Tables            []TableChange   `json:"Tables"`
	// Undecoded are changed tables whose columns are not known: without the
	// base MSI only the Property table's layout is.
	Undecoded []string `json:"Undecoded,omitempty"`
}

// OpenTransform reads the transform at path. base, when not nil, is the MSI
// whose schema decodes the changed tables; without it only Property changes
// are decoded.
func OpenTransform(path string, base *Package) (*TransformInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	t, err := ReadTransform(f, st.Size(), base)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// propertyColumns is the Property table's schema (SDK, "Property Table":
// Property s72 key, Value l0), what every package's _Columns says.
func propertyColumns() []Column {
	return []Column{
		{Name: "Property", Number: 1, Type: typeValid | typeString | typeKey | 72},
		{Name: "Value", Number: 2, Type: typeValid | typeString | typeLocalizable},
	}
}

// ReadTransform decodes a transform held in r (size bytes).
func ReadTransform(r io.ReaderAt, size int64, base *Package) (*TransformInfo, error) {
	c, err := openContainer(r, size)
	if err != nil {
		return nil, err
	}
	if c.clsid != transformCLSIDString {
		return nil, fmt.Errorf("%w: the root storage's class is %s, a transform's is %s", ErrNotTransform, c.clsid, transformCLSIDString)
	}
	t := &TransformInfo{Tables: []TableChange{}}
	if c.has(summaryStream) {
		b, err := c.read(summaryStream, maxSummaryBytes)
		if err != nil {
			return nil, err
		}
		if t.Summary, err = parseSummary(b); err != nil {
			return nil, err
		}
	}
	t.Validation = Validation(uint32(t.Summary.CharCount) >> 16)
	t.Ignore = ErrorConditions(uint32(t.Summary.CharCount) & 0xFFFF)
	t.BaseProductCode, t.BaseVersion, t.TargetProductCode, t.TargetVersion, t.UpgradeCode = parseTransformRevision(t.Summary.PackageCode)

	var pool, data []byte
	if c.has("_StringPool") {
		if pool, err = c.read("_StringPool", maxPoolBytes); err != nil {
			return nil, err
		}
	}
	if c.has("_StringData") {
		if data, err = c.read("_StringData", maxStringDataBytes); err != nil {
			return nil, err
		}
	}
	sp, err := parseStringPool(pool, data)
	if err != nil {
		return nil, err
	}
	t.Codepage = sp.codepage
	names := make([]string, 0, len(c.streams))
	for n := range c.streams {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		raw := rawEntryName(c.streams[name])
		if !strings.HasPrefix(raw, "\u4840") || name == "_StringPool" || name == "_StringData" {
			continue // not a table stream (summary, streams of binary cells)
		}
		var cols []Column
		switch {
		case base != nil && base.HasTable(name):
			cols = base.schema.columns[name]
		case name == "Property":
			cols = propertyColumns()
		default:
			t.Undecoded = append(t.Undecoded, name)
			continue
		}
		b, err := c.read(name, maxTransformStreamBytes)
		if err != nil {
			return nil, err
		}
		tc, err := decodeTableChange(name, cols, b, sp)
		if err != nil {
			return nil, err
		}
		t.Tables = append(t.Tables, tc)
	}
	return t, nil
}

// parseTransformRevision splits the Revision Number of a transform (SDK,
// "Revision Number Summary": "original product code, original version;
// new product code, new version; upgrade code"; a product code is a braced
// GUID, so the version is what follows the closing brace).
func parseTransformRevision(rev string) (basePC, baseVer, targetPC, targetVer, upgrade string) {
	parts := strings.Split(rev, ";")
	split := func(s string) (string, string) {
		s = strings.TrimSpace(s)
		if i := strings.IndexByte(s, '}'); strings.HasPrefix(s, "{") && i > 0 {
			return s[:i+1], strings.TrimSpace(s[i+1:])
		}
		return s, ""
	}
	if len(parts) > 0 {
		basePC, baseVer = split(parts[0])
	}
	if len(parts) > 1 {
		targetPC, targetVer = split(parts[1])
	}
	if len(parts) > 2 {
		upgrade = strings.TrimSpace(parts[2])
	}
	return
}

// decodeTableChange decodes one table stream of a transform (the layout in
// the comment at the top of this file), checking every size against the
// stream so that a damaged file gives an error.
func decodeTableChange(name string, cols []Column, b []byte, sp *stringPool) (TableChange, error) {
	tc := TableChange{Table: name}
	for off := 0; off < len(b); {
		if off+2 > len(b) {
			return tc, fmt.Errorf("transform of table %s: a row mask is cut off at byte %d", name, off)
		}
		mask := binary.LittleEndian.Uint16(b[off:])
		off += 2
		present := make([]bool, len(cols))
		var op RowOp
		switch {
		case mask == 0:
			op = RowDelete
			for i, c := range cols {
				present[i] = c.Type.IsKey()
			}
		case mask&1 != 0:
			op = RowInsert
			n := int(mask >> 8)
			if n > len(cols) {
				return tc, fmt.Errorf("transform of table %s: an added row has %d cells, the table %d columns", name, n, len(cols))
			}
			for i := range n {
				present[i] = true
			}
		default:
			op = RowUpdate
			if int(mask)>>len(cols) != 0 {
				return tc, fmt.Errorf("transform of table %s: change mask %#04x names columns the table (%d columns) does not have", name, mask, len(cols))
			}
			for i, c := range cols {
				present[i] = c.Type.IsKey() || mask&(1<<i) != 0
			}
		}
		rc := RowChange{Op: op, Cells: map[string]Value{}}
		for i, c := range cols {
			if !present[i] {
				continue
			}
			w := c.Type.storedWidth(sp.refSize)
			if off+w > len(b) {
				return tc, fmt.Errorf("transform of table %s: row cut off in column %s", name, c.Name)
			}
			raw := leUint(b[off : off+w])
			off += w
			if c.Type.IsBinary() {
				rc.Cells[c.Name] = Value{Kind: Stream}
				continue
			}
			v, err := cellValue(c.Type, raw, w, sp)
			if err != nil {
				return tc, fmt.Errorf("transform of table %s column %s: %w", name, c.Name, err)
			}
			rc.Cells[c.Name] = v
		}
		tc.Rows = append(tc.Rows, rc)
	}
	return tc, nil
}

// Check says why Windows Installer would refuse to apply the transform to
// p, following the validation flags (MsiCreateTransformSummaryInfo) and the
// error conditions it does not ignore: one reason per failed check, none
// when it applies.
//
// How Windows compares each value is inferred from the SDK's descriptions
// (see the package documentation): product and upgrade codes as GUIDs
// (case-insensitive), the language against the base's Template languages,
// versions field by field on as many fields as the flags ask for.
func (t *TransformInfo) Check(p *Package) ([]string, error) {
	id, err := p.identity()
	if err != nil {
		return nil, err
	}
	var why []string
	v := t.Validation
	if v&ValidateProduct != 0 && !strings.EqualFold(id.ProductCode, t.BaseProductCode) {
		why = append(why, fmt.Sprintf("ProductCode is %s, the transform is for %s", id.ProductCode, t.BaseProductCode))
	}
	if v&ValidateUpgradeCode != 0 && !strings.EqualFold(id.UpgradeCode, t.UpgradeCode) {
		why = append(why, fmt.Sprintf("UpgradeCode is %s, the transform is for %s", orNone(id.UpgradeCode), orNone(t.UpgradeCode)))
	}
	if v&ValidateLanguage != 0 {
		langs := t.Summary.Languages()
		if n, err := strconv.Atoi(id.ProductLanguage); err != nil || (len(langs) > 0 && !slices.Contains(langs, n)) {
			why = append(why, fmt.Sprintf("ProductLanguage is %s, the transform is for %s", orNone(id.ProductLanguage), strings.TrimPrefix(t.Summary.Template, t.Summary.Platform()+";")))
		}
	}
	if v&ValidatePlatform != 0 {
		want := t.Summary.Platform()
		if want == "" {
			want = "Intel"
		}
		if !strings.EqualFold(id.Platform, want) {
			why = append(why, fmt.Sprintf("platform is %s, the transform is for %s", id.Platform, want))
		}
	}
	if fields := versionFields(v); fields > 0 {
		if r := versionMismatch(v, fields, id.ProductVersion, t.BaseVersion); r != "" {
			why = append(why, r)
		}
	}
	if t.Codepage != 0 && p.Codepage() != 0 && t.Codepage != p.Codepage() && t.Ignore&IgnoreChangeCodepage == 0 {
		why = append(why, fmt.Sprintf("the transform's code page is %d, the package's %d", t.Codepage, p.Codepage()))
	}
	rowWhy, err := t.rowConflicts(p)
	if err != nil {
		return nil, err
	}
	return append(why, rowWhy...), nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// versionFields is how many version fields the flags compare.
func versionFields(v Validation) int {
	switch {
	case v&ValidateUpdateVer != 0:
		return 3
	case v&ValidateMinorVer != 0:
		return 2
	case v&ValidateMajorVer != 0:
		return 1
	}
	return 0
}

func versionMismatch(v Validation, fields int, applied, base string) string {
	av, err1 := ParseVersion(applied)
	bv, err2 := ParseVersion(base)
	if err1 != nil || err2 != nil {
		return fmt.Sprintf("ProductVersion %q cannot be compared with the transform's base version %q", applied, base)
	}
	cmp := 0
	for i := range fields {
		a, b := versionField(av, i), versionField(bv, i)
		if a != b {
			cmp = a - b
			break
		}
	}
	type rel struct {
		flag Validation
		ok   bool
		word string
	}
	rels := []rel{
		{ValidateLess, cmp < 0, "lower than"}, {ValidateLessEqual, cmp <= 0, "at most"},
		{ValidateEqual, cmp == 0, "equal to"}, {ValidateGreaterEq, cmp >= 0, "at least"},
		{ValidateGreater, cmp > 0, "higher than"},
	}
	checked := false
	for _, r := range rels {
		if v&r.flag == 0 {
			continue
		}
		checked = true
		if !r.ok {
			return fmt.Sprintf("ProductVersion is %s, the transform needs a version %s %s (compared on %d fields)", applied, r.word, base, fields)
		}
	}
	if !checked && cmp != 0 {
		// a version flag without a relation: taken as "equal" (see the
		// package documentation)
		return fmt.Sprintf("ProductVersion is %s, the transform is for %s (compared on %d fields)", applied, base, fields)
	}
	return ""
}

func versionField(v Version, i int) int {
	switch i {
	case 0:
		return int(v.Major)
	case 1:
		return int(v.Minor)
	}
	return int(v.Build)
}

// rowConflicts lists the row changes that Windows Installer reports as
// errors when applied to p and that the transform does not say to ignore:
// adding a row that exists, changing or removing one that does not.
func (t *TransformInfo) rowConflicts(p *Package) ([]string, error) {
	var why []string
	for _, tc := range t.Tables {
		if !p.HasTable(tc.Table) {
			why = append(why, fmt.Sprintf("the package has no %s table", tc.Table))
			continue
		}
		tab, err := p.Table(tc.Table)
		if err != nil {
			return nil, err
		}
		var keys []int
		for i, c := range tab.Columns {
			if c.Type.IsKey() {
				keys = append(keys, i)
			}
		}
		have := map[string]bool{}
		for _, r := range tab.Rows {
			var parts []string
			for _, i := range keys {
				parts = append(parts, r[i].String())
			}
			have[strings.Join(parts, "\x00")] = true
		}
		for _, rc := range tc.Rows {
			var parts []string
			for _, i := range keys {
				parts = append(parts, rc.Cells[tab.Columns[i].Name].String())
			}
			k := strings.Join(parts, "\x00")
			shown := strings.Join(parts, ", ")
			switch {
			case rc.Op == RowInsert && have[k] && t.Ignore&IgnoreAddExistingRow == 0:
				why = append(why, fmt.Sprintf("%s row %s, which the transform adds, exists in the package", tc.Table, shown))
			case rc.Op == RowUpdate && !have[k] && t.Ignore&IgnoreUpdateMissingRow == 0:
				why = append(why, fmt.Sprintf("%s row %s, which the transform changes, is not in the package", tc.Table, shown))
			case rc.Op == RowDelete && !have[k] && t.Ignore&IgnoreDelMissingRow == 0:
				why = append(why, fmt.Sprintf("%s row %s, which the transform removes, is not in the package", tc.Table, shown))
			}
		}
	}
	return why, nil
}

// PropertyEdits is the transform's Property table change as name -> new
// value, "" for a removed property, with the names in stored order.
func (t *TransformInfo) PropertyEdits() (names []string, values map[string]string, ops map[string]RowOp) {
	values, ops = map[string]string{}, map[string]RowOp{}
	for _, tc := range t.Tables {
		if tc.Table != "Property" {
			continue
		}
		for _, r := range tc.Rows {
			n := r.Cells["Property"].Str
			names = append(names, n)
			values[n] = r.Cells["Value"].Str
			ops[n] = r.Op
		}
	}
	return names, values, ops
}
