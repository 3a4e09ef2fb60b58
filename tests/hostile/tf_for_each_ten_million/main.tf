# for_each over a set built from range(10000000)
resource "aws_subnet" "s" {
  for_each = toset([for i in range(10000000) : tostring(i)])
  vpc_id = "x"
}
