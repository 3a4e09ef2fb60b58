# count = -1e999 (negative infinity)
resource "aws_subnet" "s" {
  count = -1e999
  vpc_id = "x"
}
