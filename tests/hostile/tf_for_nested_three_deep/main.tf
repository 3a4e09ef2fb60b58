# three nested for expressions of 200: eight million strings
locals {
  a = [for i in range(200) : [for j in range(200) : [for k in range(200) : "${i}-${j}-${k}"]]]
}
resource "aws_vpc" "v" { cidr_block = length(local.a) }
