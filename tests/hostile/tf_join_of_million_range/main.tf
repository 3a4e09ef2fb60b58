# join() of a million-element range
resource "aws_vpc" "v" {
  cidr_block = join(",", range(1000000))
}
