# for_each over a resource without count or for_each: one object, not a map of instances
resource "aws_subnet" "private" {
}
resource "aws_route_table_association" "a" {
  for_each = aws_subnet.private
}
