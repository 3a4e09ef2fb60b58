# format() with a field width of a trillion characters
locals { a = format("%999999999999s", "x") }
resource "aws_vpc" "v" { cidr_block = local.a }
