package emulator

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognitokit/cognito/emulator/store"
)

// sdkOperations derives the API's operations from the SDK itself: every
// method of its Client shaped func(ctx, *<Op>Input, ...func(*Options))
// (*<Op>Output, error).
func sdkOperations(t *testing.T) []string {
	t.Helper()
	ctxType := reflect.TypeFor[context.Context]()
	var ops []string
	ct := reflect.TypeFor[*cip.Client]()
	for i := range ct.NumMethod() {
		m := ct.Method(i)
		ft := m.Type // receiver first
		if ft.NumIn() != 4 || ft.In(1) != ctxType || ft.NumOut() != 2 {
			continue
		}
		in, out := ft.In(2), ft.Out(0)
		if in.Kind() == reflect.Pointer && in.Elem().Name() == m.Name+"Input" &&
			out.Kind() == reflect.Pointer && out.Elem().Name() == m.Name+"Output" {
			ops = append(ops, m.Name)
		}
	}
	if len(ops) < 100 {
		t.Fatalf("found only %d operations on the SDK's Client", len(ops))
	}
	slices.Sort(ops)
	return ops
}

var update = flag.Bool("update", false, "rewrite the action lists of doc.go and the README's coverage table from the action table")

// area is one section of the action table: its heading comment in
// actions.go ("User pools (pools.go).") and its actions, in table order.
type area struct {
	name, files         string
	implemented, notYet []string
}

// tableAreas reads the sections of the action table from actions.go.
func tableAreas(t *testing.T) []area {
	t.Helper()
	src, err := os.ReadFile("actions.go")
	if err != nil {
		t.Fatal(err)
	}
	heading := regexp.MustCompile(`^\s*// (.+?)(?: \(([^)]*)\))?\.$`)
	entry := regexp.MustCompile(`^\s*"(\w+)":\s*(\S+)`)
	var areas []area
	inTable := false
	for line := range strings.SplitSeq(string(src), "\n") {
		if strings.HasPrefix(line, "var actions = map") {
			inTable = true
			continue
		}
		if !inTable {
			continue
		}
		if m := heading.FindStringSubmatch(line); m != nil {
			areas = append(areas, area{name: m[1], files: m[2]})
		} else if m := entry.FindStringSubmatch(line); m != nil && len(areas) > 0 {
			a := &areas[len(areas)-1]
			if actions[m[1]].serve != nil {
				a.implemented = append(a.implemented, m[1])
			} else {
				a.notYet = append(a.notYet, m[1])
			}
		}
	}
	return areas
}

// writeCoverage rewrites doc.go's lists and the README's table from areas.
func writeCoverage(t *testing.T, areas []area, implemented, total int) {
	t.Helper()
	var doc strings.Builder
	fmt.Fprintf(&doc, "// Implemented actions (%d of %d):\n//\n", implemented, total)
	var notYet []string
	for _, a := range areas {
		notYet = append(notYet, a.notYet...)
		if len(a.implemented) == 0 {
			continue
		}
		head := a.name
		if a.files != "" {
			head += " (" + a.files + ")"
		}
		for i, line := range wrap(head+": "+strings.Join(a.implemented, ", ")+".", 72) {
			prefix := "//     "
			if i == 0 {
				prefix = "//   - "
			}
			doc.WriteString(prefix + line + "\n")
		}
	}
	doc.WriteString("//\n")
	for _, line := range wrap("Not supported yet (they answer UnsupportedOperationException): "+strings.Join(notYet, ", ")+".", 76) {
		doc.WriteString("// " + line + "\n")
	}
	doc.WriteString("//\n")
	replaceBetween(t, "doc.go", "// Implemented actions (", "// Besides the API the server answers:", doc.String())

	var table strings.Builder
	table.WriteString("<!-- coverage:start -->\n| Area | Implemented | Not supported yet |\n| --- | --- | --- |\n")
	quoted := func(names []string) string {
		if len(names) == 0 {
			return "—"
		}
		return "`" + strings.Join(names, "`, `") + "`"
	}
	for _, a := range areas {
		fmt.Fprintf(&table, "| %s | %s | %s |\n", a.name, quoted(a.implemented), quoted(a.notYet))
	}
	fmt.Fprintf(&table, "<!-- coverage:end -->\n\n%d of %d operations are implemented.", implemented, total)
	replaceBetween(t, "../README.md", "<!-- coverage:start -->", "operations are implemented.", table.String())
}

// replaceBetween replaces the text of file from the first start up to end
// (end included when it is text, excluded when it is a heading of the
// next part: the caller's text ends where it did).
func replaceBetween(t *testing.T, file, start, end, text string) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	i := strings.Index(s, start)
	j := strings.Index(s[max(i, 0):], end)
	if i < 0 || j < 0 {
		t.Fatalf("%s has no %q ... %q to replace", file, start, end)
	}
	j += i
	if strings.HasPrefix(end, "//") {
		s = s[:i] + text + s[j:]
	} else {
		s = s[:i] + text + s[j+len(end):]
	}
	if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// wrap breaks text into lines of at most width bytes, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}

// TestActionTableCoverage checks that the action table names every
// operation of the SDK and nothing else, and that doc.go and the README's
// coverage table say which are implemented exactly as the table does.
// With -update it first rewrites them from the table.
func TestActionTableCoverage(t *testing.T) {
	ops := sdkOperations(t)
	if *update {
		n := 0
		for _, act := range actions {
			if act.serve != nil {
				n++
			}
		}
		writeCoverage(t, tableAreas(t), n, len(ops))
	}
	var implemented, notYet []string
	for name, act := range actions {
		if !slices.Contains(ops, name) {
			t.Errorf("the action table has %s, which is not an operation of the SDK", name)
		}
		if act.serve != nil {
			implemented = append(implemented, name)
		} else {
			notYet = append(notYet, name)
		}
	}
	for _, op := range ops {
		if _, ok := actions[op]; !ok {
			t.Errorf("the SDK's operation %s is missing from the action table", op)
		}
	}
	slices.Sort(implemented)
	slices.Sort(notYet)
	t.Logf("%d of %d operations implemented", len(implemented), len(ops))

	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	docImplemented, docNotYet, docCount := docCoverage(t, string(doc))
	compareLists(t, "doc.go's implemented actions", docImplemented, implemented)
	compareLists(t, "doc.go's actions not supported yet", docNotYet, notYet)
	if docCount != len(implemented) {
		t.Errorf("doc.go says %d actions are implemented; the table has %d", docCount, len(implemented))
	}

	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readmeImplemented, readmeNotYet := readmeCoverage(t, string(readme))
	compareLists(t, "the README's implemented actions", readmeImplemented, implemented)
	compareLists(t, "the README's actions not supported yet", readmeNotYet, notYet)
}

var actionName = regexp.MustCompile(`[A-Z][A-Za-z]+`)

// docCoverage reads doc.go's two lists: the paragraph after
// "Implemented actions (N of M):" and the one after "Not supported yet".
func docCoverage(t *testing.T, doc string) (implemented, notYet []string, count int) {
	t.Helper()
	text := strings.ReplaceAll(doc, "\n//", "\n")
	head := regexp.MustCompile(`Implemented actions \((\d+) of \d+\):`)
	m := head.FindStringSubmatchIndex(text)
	if m == nil {
		t.Fatal(`doc.go has no "Implemented actions (N of M):" list`)
	}
	count, _ = strconv.Atoi(text[m[2]:m[3]])
	rest := text[m[1]:]
	i := strings.Index(rest, "Not supported yet")
	if i < 0 {
		t.Fatal(`doc.go has no "Not supported yet" list`)
	}
	implemented = actionsIn(rest[:i])
	rest = rest[i+len("Not supported yet"):]
	if j := strings.Index(rest, "\n\n"); j >= 0 {
		rest = rest[:j]
	}
	return implemented, actionsIn(rest), count
}

// readmeCoverage reads the README's coverage table (between the
// coverage:start and coverage:end markers): per row, the implemented
// actions in the second column and the others in the third.
func readmeCoverage(t *testing.T, readme string) (implemented, notYet []string) {
	t.Helper()
	start, end := strings.Index(readme, "<!-- coverage:start -->"), strings.Index(readme, "<!-- coverage:end -->")
	if start < 0 || end < start {
		t.Fatal("the README has no coverage table between <!-- coverage:start --> and <!-- coverage:end -->")
	}
	for line := range strings.SplitSeq(readme[start:end], "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 5 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") || strings.TrimSpace(cells[1]) == "Area" {
			continue
		}
		implemented = append(implemented, actionsIn(cells[2])...)
		notYet = append(notYet, actionsIn(cells[3])...)
	}
	return implemented, notYet
}

// actionsIn lists the backquoted (or plain) action names in text, sorted.
func actionsIn(text string) []string {
	var out []string
	for _, name := range actionName.FindAllString(text, -1) {
		if _, ok := actions[name]; ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func compareLists(t *testing.T, what string, got, want []string) {
	t.Helper()
	for _, name := range got {
		if !slices.Contains(want, name) {
			t.Errorf("%s name %s, which is not in that list of the action table", what, name)
		}
	}
	for _, name := range want {
		if !slices.Contains(got, name) {
			t.Errorf("%s miss %s", what, name)
		}
	}
	if len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Errorf("%s name an action twice", what)
	}
}

// Every operation the local Cognito does not implement yet answers HTTP
// 400 UnsupportedOperationException naming it, never "unknown operation".
func TestUnsupportedActions(t *testing.T) {
	st := store.NewMemory()
	defer st.Close()
	srv, err := New(t.Context(), st, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	for name, act := range actions {
		if act.serve != nil {
			continue
		}
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}"))
		req.Header.Set("Content-Type", jsonMediaType)
		req.Header.Set("X-Amz-Target", targetPrefix+name)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var body struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != http.StatusBadRequest || body.Type != excUnsupportedOperation || !strings.Contains(body.Message, name) {
			t.Errorf("%s: %d %s, want 400 %s naming the action", name, rec.Code, rec.Body, excUnsupportedOperation)
		}
	}
}
