# [1] + [2]: a list the + operator built from plain values, not located ones
variable "x" {
  default = [1] + [2]
}
resource "aws_vpc" "v" {
  cidr_block = var.x
}
