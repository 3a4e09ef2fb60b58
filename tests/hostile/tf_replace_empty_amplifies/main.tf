# replace(s, "", s) squares the length at each step
locals {
  a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  b = replace(local.a, "", local.a)
  c = replace(local.b, "", local.b)
  d = replace(local.c, "", local.c)
}
resource "aws_vpc" "v" { cidr_block = local.d }
