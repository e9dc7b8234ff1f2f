package match

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ariadne-vid/ariadne/internal/store"
)

// Live keeps a Matcher current for a long-running process (a server, a
// queue worker): a hash set imported while it runs is matched from the
// next lookup on. The sets' state is checked at most once per Interval;
// when it changed, one caller rebuilds the matcher while the others go
// on with the current one, and a replaced matcher is closed when its last
// user lets go of it. No lock is held across a lookup.
type Live struct {
	st         *store.Store
	cache      string
	minQuality int

	refresh sync.Mutex // held by the one caller checking or rebuilding

	mu       sync.Mutex    // guards the fields below, never held across I/O
	interval time.Duration // the least time between two checks of the sets' state
	cur      *shared
	state    string
	checked  time.Time
	builtAt  time.Time
}

// shared is a matcher and how many lookups use it.
type shared struct {
	m       *Matcher
	users   int
	retired bool
	once    sync.Once
}

func (s *shared) close() { s.once.Do(s.m.Close) }

// NewLive builds the first matcher (as NewMatcher).
func NewLive(ctx context.Context, st *store.Store, cachePath string, minQuality int) (*Live, error) {
	l := &Live{st: st, cache: cachePath, minQuality: minQuality, interval: time.Second}
	state, _, err := st.KnownBadState(ctx)
	if err != nil {
		return nil, fmt.Errorf("hash sets: %w", err)
	}
	m, err := NewMatcher(ctx, st, cachePath, minQuality)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	l.cur, l.state, l.checked, l.builtAt = &shared{m: m}, state, now, now
	return l, nil
}

// SetInterval sets the least time between two checks of the sets'
// state (a second by default; 0 checks at every lookup).
func (l *Live) SetInterval(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.interval = d
}

// Acquire returns the current matcher, rebuilt first if the sets
// changed, and the function to call when done with it.
func (l *Live) Acquire(ctx context.Context) (*Matcher, func(), error) {
	l.mu.Lock()
	due := time.Since(l.checked) >= l.interval
	l.mu.Unlock()
	if due && l.refresh.TryLock() {
		err := l.update(ctx)
		l.refresh.Unlock()
		if err != nil {
			return nil, nil, err
		}
	}
	l.mu.Lock()
	s := l.cur
	s.users++
	l.mu.Unlock()
	release := sync.OnceFunc(func() {
		l.mu.Lock()
		s.users--
		done := s.retired && s.users == 0
		l.mu.Unlock()
		if done {
			s.close()
		}
	})
	return s.m, release, nil
}

// Lookup is Acquire, Matcher.Lookup and release.
func (l *Live) Lookup(ctx context.Context, q Query) (Result, error) {
	m, release, err := l.Acquire(ctx)
	if err != nil {
		return Result{}, err
	}
	defer release()
	return m.Lookup(ctx, q)
}

// update checks the sets' state and rebuilds the matcher if it changed.
// The caller holds l.refresh.
func (l *Live) update(ctx context.Context) error {
	state, _, err := l.st.KnownBadState(ctx)
	if err != nil {
		return fmt.Errorf("hash sets: %w", err)
	}
	l.mu.Lock()
	l.checked = time.Now()
	same := state == l.state
	l.mu.Unlock()
	if same {
		return nil
	}
	m, err := NewMatcher(ctx, l.st, l.cache, l.minQuality)
	if err != nil {
		return err
	}
	l.mu.Lock()
	old := l.cur
	l.cur, l.state, l.builtAt = &shared{m: m}, state, time.Now()
	old.retired = true
	idle := old.users == 0
	l.mu.Unlock()
	if idle {
		old.close()
	}
	return nil
}

// Status is what IndexStatus reports.
type Status struct {
	Size    int       // known-bad PDQ hashes indexed
	BuiltAt time.Time // when the current matcher was built
}

// IndexStatus checks the sets (as Acquire does) and describes the
// current matcher.
func (l *Live) IndexStatus(ctx context.Context) (Status, error) {
	m, release, err := l.Acquire(ctx)
	if err != nil {
		return Status{}, err
	}
	defer release()
	l.mu.Lock()
	defer l.mu.Unlock()
	return Status{Size: m.Len(), BuiltAt: l.builtAt}, nil
}

// Close closes the current matcher once no lookup uses it.
func (l *Live) Close() {
	l.mu.Lock()
	s := l.cur
	s.retired = true
	idle := s.users == 0
	l.mu.Unlock()
	if idle {
		s.close()
	}
}
