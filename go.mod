module github.com/ariadne-vid/ariadne

go 1.26.8

require (
	golang.org/x/image v0.48.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
)
