module github.com/hlogate/hlogate

go 1.26
