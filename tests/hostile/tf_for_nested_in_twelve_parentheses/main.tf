# nested fors in 12 parentheses: at the CLI's stack depth a step costs 5x (frame stack thrash)
locals {
  a = (((((((((((([for i in range(200) : [for j in range(200) : [for k in range(200) : "${i}-${j}-${k}"]]]))))))))))))
}
resource "aws_vpc" "v" { cidr_block = length(local.a) }
