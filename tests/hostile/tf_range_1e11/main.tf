# range(1e11): a hundred billion numbers
locals { a = range(1e11) }
resource "aws_vpc" "v" { cidr_block = length(local.a) }
