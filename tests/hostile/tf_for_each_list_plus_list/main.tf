# for_each over toset([1] + [2]): a list the + operator built
resource "aws_subnet" "s" {
  for_each = toset([1] + [2])
  vpc_id = "x"
}
