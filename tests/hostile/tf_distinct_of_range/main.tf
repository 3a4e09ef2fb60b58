# distinct() over 100000 numbers (quadratic if done naively)
resource "aws_vpc" "v" {
  cidr_block = distinct(range(100000))
}
