module github.com/ariadne-vid/ariadne

go 1.26.8
