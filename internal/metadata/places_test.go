package metadata

import (
	"slices"
	"testing"
)

func TestPlaces(t *testing.T) {
	// 0.001° of latitude is 111 m.
	pts := []GPS{{Lat: 10, Lon: 20}, {Lat: 40, Lon: -3}, {Lat: 10.0018, Lon: 20}, {Lat: 10.0009, Lon: 20}, {Lat: 10.01, Lon: 20}}
	for _, c := range []struct {
		name   string
		radius float64
		want   [][]int
	}{
		{"a chain of two 100 m steps is one place", 0.101, [][]int{{0, 3, 2}, {4}, {1}}},
		{"within 50 m nothing joins", 0.05, [][]int{{0}, {3}, {2}, {4}, {1}}},
		{"250 m", 0.25, [][]int{{0, 3, 2}, {4}, {1}}},
		{"2 km", 2, [][]int{{0, 3, 2, 4}, {1}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Places(pts, c.radius); !slices.EqualFunc(got, c.want, slices.Equal) {
				t.Errorf("%v, want %v", got, c.want)
			}
		})
	}
}
