# a for expression of 2000 inside one of 2000: four million values
resource "aws_vpc" "v" {
  cidr_block = [for i in range(2000) : [for j in range(2000) : i]]
}
