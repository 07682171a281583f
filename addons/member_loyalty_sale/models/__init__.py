from . import account_move, member_points_move, res_partner, sale_order
