# ["aaaaaaaaaa"] * 100000000, then length() of it
locals { b = ["aaaaaaaaaa"] * 100000000 }
resource "aws_vpc" "v" { cidr_block = length(local.b) }
