# for_each = 5: neither a map nor a set
resource "aws_subnet" "s" {
  for_each = 5
  vpc_id = "x"
}
