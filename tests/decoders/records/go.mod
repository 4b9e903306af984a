module records

go 1.23
