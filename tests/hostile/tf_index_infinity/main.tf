# a list indexed by 1e999
locals { a = [1,2]
 b = local.a[1e999] }
resource "aws_vpc" "v" { cidr_block = local.b }
