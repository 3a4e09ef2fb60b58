# cidrsubnet(/8, 16, count.index) for 1000 instances: 65536 subnets listed each time
resource "aws_subnet" "s" {
  count = 1000
  vpc_id = "x"
  cidr_block = cidrsubnet("10.0.0.0/8", 16, count.index)
}
