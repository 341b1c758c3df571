package emulator

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognitokit/cognito/emulator/store"
)

// BenchmarkLocalProcess measures a real `cognito local` process serving a
// data directory whose default pool holds 100,000 users: its resident
// set size and its start-up time. Linux only (it reads /proc); run it
// with
//
//	go test ./emulator -run '^$' -bench '^BenchmarkLocalProcess$' -benchtime 10x
//
// It builds cmd/cognito into a temporary directory, then makes two data
// directories the way a user would: `cognito local --data DIR` started
// once on each (it creates the default pool "local", its two clients and
// the client-secret file) and stopped. Into one, the default pool gets
// 100,000 users (user<i>, email user<i>@example.com), written through the
// state layer with one shared password verifier (fillUsers; the time it
// takes and the file's size are logged); the other keeps the empty pool
// and is the baseline.
//
// Each iteration starts the binary on the large directory and then on the
// baseline one (alternating, so that the machine's drift touches both
// alike), with --addr 127.0.0.1:0, and for each:
//
//   - start-ms: the time from exec to the first answer of a ListUsers
//     with the filter email = "user<i>@example.com" on the default pool,
//     sent through the AWS SDK as soon as the process logs its address
//     (the pool's ID comes from the first start's banner and is checked
//     against each start's);
//   - rss-MB and hwm-MB: VmRSS and VmHWM of /proc/<pid>/status once the
//     start banner is printed, i.e. after that first answer and the
//     server's own start-up calls;
//   - page-ms and page-hwm-MB: the time of a ListUsers without a filter
//     (the first page, 60 users, what a dashboard or a script listing the
//     users asks first) sent next, and VmHWM after it;
//
// then stops it with SIGINT. The baseline's figures are reported with the
// prefix "empty-", and rss-x-empty, hwm-x-empty, start-x-empty and
// page-hwm-x-empty are the large directory's figures as multiples of the
// baseline's. The database
// is in the OS page cache (it was just written): these are warm starts.
func BenchmarkLocalProcess(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("reads /proc/<pid>/status: Linux only")
	}
	const n = 100_000
	goTool, err := exec.LookPath("go")
	if err != nil {
		b.Skip("no go command to build cmd/cognito with:", err)
	}
	tmp := b.TempDir()
	bin := filepath.Join(tmp, "cognito")
	build := exec.Command(goTool, "build", "-o", bin, "github.com/cognitokit/cognito/cmd/cognito")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build cmd/cognito: %v\n%s", err, out)
	}
	client := cip.New(cip.Options{
		Region:           "eu-west-1",
		Credentials:      credentials.NewStaticCredentialsProvider("local", "local", ""),
		RetryMaxAttempts: 1,
	})
	ctx := context.Background()

	// A first start on each directory creates the default pool and
	// clients, and checks the client-secret file is where the banner says.
	large, empty := filepath.Join(tmp, "large"), filepath.Join(tmp, "empty")
	var largePool, emptyPool string
	for _, d := range []struct {
		dir  string
		pool *string
	}{{large, &largePool}, {empty, &emptyPool}} {
		p := startLocal(b, bin, d.dir)
		*d.pool = p.waitBanner(b)
		p.listUsers(b, ctx, client, *d.pool, `email = "user0@example.com"`, 0) // warms the SDK client too
		p.stop(b)
		fi, err := os.Stat(filepath.Join(d.dir, "client-secret"))
		if err != nil || fi.Mode().Perm() != 0o600 {
			b.Fatalf("client-secret file after the first start: %v, %v", err, fi)
		}
	}

	db := filepath.Join(large, "cognito.db")
	t0 := time.Now()
	st, err := store.OpenSQLite(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(ctx, st, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		b.Fatal(err)
	}
	fillUsers(b, s, largePool, n)
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	fill := time.Since(t0)
	size := int64(0)
	if fi, err := os.Stat(db); err == nil {
		size = fi.Size()
	}
	b.Logf("filled %d users in %v: %s, %.1f MB", n, fill.Round(time.Millisecond), db, float64(size)/(1<<20))

	var sum, sumEmpty localFigures
	for b.Loop() {
		sum.add(runLocal(b, ctx, client, bin, large, largePool, n))
		sumEmpty.add(runLocal(b, ctx, client, bin, empty, emptyPool, 0))
	}
	count := float64(b.N)
	mb := func(kb int64) float64 { return float64(kb) / 1024 / count }
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / count }
	b.ReportMetric(mb(sum.rssKB), "rss-MB")
	b.ReportMetric(mb(sum.hwmKB), "hwm-MB")
	b.ReportMetric(ms(sum.start), "start-ms")
	b.ReportMetric(ms(sum.page), "page-ms")
	b.ReportMetric(mb(sum.pageHWMKB), "page-hwm-MB")
	b.ReportMetric(mb(sumEmpty.rssKB), "empty-rss-MB")
	b.ReportMetric(mb(sumEmpty.hwmKB), "empty-hwm-MB")
	b.ReportMetric(ms(sumEmpty.start), "empty-start-ms")
	b.ReportMetric(ms(sumEmpty.page), "empty-page-ms")
	b.ReportMetric(mb(sumEmpty.pageHWMKB), "empty-page-hwm-MB")
	b.ReportMetric(float64(sum.rssKB)/float64(sumEmpty.rssKB), "rss-x-empty")
	b.ReportMetric(float64(sum.hwmKB)/float64(sumEmpty.hwmKB), "hwm-x-empty")
	b.ReportMetric(float64(sum.start)/float64(sumEmpty.start), "start-x-empty")
	b.ReportMetric(float64(sum.pageHWMKB)/float64(sumEmpty.pageHWMKB), "page-hwm-x-empty")
}

// localFigures are what runLocal measures of a process, or their sums.
type localFigures struct {
	start, page             time.Duration
	rssKB, hwmKB, pageHWMKB int64
}

func (f *localFigures) add(g localFigures) {
	f.start += g.start
	f.page += g.page
	f.rssKB += g.rssKB
	f.hwmKB += g.hwmKB
	f.pageHWMKB += g.pageHWMKB
}

// runLocal starts bin on dir, whose default pool is poolID and holds n
// users, measures its start-up and memory (see BenchmarkLocalProcess) and
// stops it.
func runLocal(b *testing.B, ctx context.Context, client *cip.Client, bin, dir, poolID string, n int) localFigures {
	b.Helper()
	p := startLocal(b, bin, dir)
	var want int
	email := "nobody@example.com"
	if n > 0 {
		email, want = fmt.Sprintf("user%d@example.com", rand.IntN(n)), 1
	}
	p.listUsers(b, ctx, client, poolID, `email = "`+email+`"`, want)
	f := localFigures{start: time.Since(p.started)}
	if got := p.waitBanner(b); got != poolID {
		b.Fatalf("the banner names the pool %s, not %s", got, poolID)
	}
	f.rssKB, f.hwmKB = procMemory(b, p.cmd.Process.Pid)
	t0 := time.Now()
	p.listUsers(b, ctx, client, poolID, "", min(n, 60))
	f.page = time.Since(t0)
	_, f.pageHWMKB = procMemory(b, p.cmd.Process.Pid)
	p.stop(b)
	return f
}

// localProcess is a `cognito local` process the benchmark started.
type localProcess struct {
	cmd      *exec.Cmd
	started  time.Time
	endpoint string
	banner   chan string // the banner's pool ID, once it is printed
	done     chan struct{}
	logMu    sync.Mutex
	log      strings.Builder // stderr, for failures (it holds no secret)
}

// listeningLine matches the log line with which cognito local announces
// its address.
var listeningLine = regexp.MustCompile(`msg="local Cognito listening" .*\bendpoint=(\S+)`)

// startLocal execs `bin local` on dir, listening on a free loopback port,
// and returns once the process has logged its endpoint.
func startLocal(b *testing.B, bin, dir string) *localProcess {
	b.Helper()
	cmd := exec.Command(bin, "local", "--data", dir, "--addr", "127.0.0.1:0")
	// A token in the environment would guard the admin calls.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "COGNITO_LOCAL_TOKEN=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	p := &localProcess{cmd: cmd, banner: make(chan string, 1), done: make(chan struct{})}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	endpoint := make(chan string, 1)
	go func() {
		defer close(endpoint)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.logMu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.logMu.Unlock()
			if m := listeningLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case endpoint <- m[1]:
				default:
				}
			}
		}
	}()
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stdout)
		pool := ""
		for sc.Scan() {
			line := sc.Text()
			if id, ok := strings.CutPrefix(line, "export COGNITO_USER_POOL_ID="); ok {
				pool = id
			}
			if strings.HasPrefix(line, "# Confirmation codes") { // the banner's last line
				p.banner <- pool
			}
		}
	}()
	select {
	case e, ok := <-endpoint:
		if !ok {
			p.fail(b, "exited before logging its address")
		}
		p.endpoint = e
	case <-time.After(30 * time.Second):
		p.fail(b, "logged no address in 30s")
	}
	return p
}

// listUsers sends ListUsers with filter (none if empty) and checks that
// its first page holds want users.
func (p *localProcess) listUsers(b *testing.B, ctx context.Context, client *cip.Client, poolID, filter string, want int) {
	b.Helper()
	in := &cip.ListUsersInput{UserPoolId: aws.String(poolID)}
	if filter != "" {
		in.Filter = aws.String(filter)
	}
	out, err := client.ListUsers(ctx, in, func(o *cip.Options) { o.BaseEndpoint = aws.String(p.endpoint) })
	if err != nil {
		p.fail(b, fmt.Sprintf("ListUsers: %v", err))
	}
	if len(out.Users) != want {
		p.fail(b, fmt.Sprintf("ListUsers(%s): %d users, want %d", filter, len(out.Users), want))
	}
}

// waitBanner waits for the start banner and returns the pool ID it names.
func (p *localProcess) waitBanner(b *testing.B) string {
	b.Helper()
	select {
	case id := <-p.banner:
		return id
	case <-p.done:
		p.fail(b, "printed no banner")
	case <-time.After(30 * time.Second):
		p.fail(b, "printed no banner in 30s")
	}
	return ""
}

// stop interrupts the process, as Ctrl-C does, and waits for it to exit.
func (p *localProcess) stop(b *testing.B) {
	b.Helper()
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		b.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() {
		<-p.done // Wait closes the pipes: the readers finish first
		exited <- p.cmd.Wait()
	}()
	select {
	case err := <-exited:
		if err != nil {
			b.Fatalf("cognito local: %v\n%s", err, p.stderr())
		}
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		b.Fatalf("cognito local did not exit in 30s after SIGINT\n%s", p.stderr())
	}
}

// fail kills the process and fails the benchmark with its log.
func (p *localProcess) fail(b *testing.B, why string) {
	b.Helper()
	p.cmd.Process.Kill()
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
	}
	p.cmd.Wait()
	b.Fatalf("cognito local %s\n%s", why, p.stderr())
}

func (p *localProcess) stderr() string {
	p.logMu.Lock()
	defer p.logMu.Unlock()
	return p.log.String()
}

// procMemory reads VmRSS and VmHWM, in kB, of process pid.
func procMemory(b *testing.B, pid int) (rssKB, hwmKB int64) {
	b.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.Lines(string(raw)) {
		name, value, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			b.Fatalf("/proc/%d/status: %q: %v", pid, line, err)
		}
		if name == "VmRSS" {
			rssKB = kb
		} else {
			hwmKB = kb
		}
	}
	if rssKB == 0 || hwmKB == 0 {
		b.Fatalf("/proc/%d/status has no VmRSS or VmHWM", pid)
	}
	return rssKB, hwmKB
}
