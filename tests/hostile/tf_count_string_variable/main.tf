# count from a variable whose default is the string "2"
variable "n" { default = "2" }
resource "aws_subnet" "s" {
  count = var.n
  vpc_id = "x"
}
