package knowledge

// Kind is what sort of value a fact holds, which decides how an agent's
// words are read against it.
type Kind uint8

// The kinds of facts.
const (
	KindText     Kind = iota // recorded for people (conditions, scope), not checked
	KindBool                 // yes or no: 支持7天无理由, 防水
	KindPeriod               // a length: a return window, a warranty (七天, 一年)
	KindDuration             // time until something happens: 3-5天, 48小时内
	KindAmount               // a measured product value: 5000mAh, 1.2kg
	KindClock                // a time of day: the same-day cut-off 16:00
	KindChoice               // one or several values out of known alternatives
)

var kindNames = [...]string{"text", "yes/no", "period", "duration", "amount", "clock", "choice"}

func (k Kind) String() string { return kindNames[k] }

// policyKey is one fact of the policy schema: its key in the file (dotted
// path under policy:), the Chinese label used in findings, its kind and
// dimension, the words by which chats name it, and for choices the known
// alternatives with their spellings. Qualified keys hold either one value
// or a map from a qualifier (a payment method, a region) to values.
type policyKey struct {
	Key       string
	Label     string
	Kind      Kind
	Dim       Dim
	Cues      []string
	Choices   []choice
	Qualifier []choice // known qualifiers (payment methods); nil: any name (regions)
	Qualified bool
	// After allows the value after the cue ("退货期限是15天"); by default a
	// value must come before it ("15天无理由", "3-5天到账").
	After bool
	// Context, when set, must also occur in the sentence (优惠券 for 叠加).
	Context []string
	// Not lists words that, in the sentence, make the cue about something
	// else: 维修运费 is repair shipping, not a return's; 缺货…到货 is a
	// restock, not a delivery.
	Not []string
	// Anchor, when set, is the word the yes or no is said at, which must
	// occur in the sentence: 拆封 is about returns only when 退 is said,
	// and "拆封后不能退" negates 退, not 拆封.
	Anchor []string
}

// choice is one known value: its canonical name and how chats spell it.
type choice struct {
	Name      string
	Spellings []string
}

// paymentMethods are the qualifiers of refund.time.
var paymentMethods = []choice{
	{"储蓄卡", []string{"储蓄卡", "借记卡"}}, {"信用卡", []string{"信用卡"}}, {"白条", []string{"白条"}},
	{"余额", []string{"余额"}}, {"微信", []string{"微信", "零钱", "qq钱包"}}, {"支付宝", []string{"支付宝"}},
	{"京豆", []string{"京豆"}}, {"礼品卡", []string{"京东卡", "e卡", "礼品卡", "购物卡"}}, {"银行卡", []string{"银行卡"}},
}

// couriers are the known courier companies of shipping.couriers.
var couriers = []choice{
	{"顺丰", []string{"顺丰", "sf"}}, {"京东快递", []string{"京东快递", "京东物流"}},
	{"圆通", []string{"圆通"}}, {"中通", []string{"中通"}}, {"申通", []string{"申通"}}, {"韵达", []string{"韵达"}},
	{"百世", []string{"百世", "汇通"}}, {"德邦", []string{"德邦"}}, {"邮政", []string{"邮政", "ems"}},
	{"极兔", []string{"极兔"}}, {"天天", []string{"天天快递"}},
}

// payers are who pays a return's shipping.
var payers = []choice{
	{"buyer", []string{"您承担", "您自己承担", "您自行承担", "买家承担", "客户承担", "顾客承担", "自理", "自付", "您来承担", "您支付运费", "您出运费", "由您承担"}},
	{"shop", []string{"我们承担", "我方承担", "商家承担", "京东承担", "卖家承担", "店铺承担", "本店承担", "包运费", "报销运费", "运费险", "免费上门取件", "补偿运费"}},
}

// invoiceTypes are the invoice types of invoice.types.
var invoiceTypes = []choice{
	{"电子普通发票", []string{"电子发票", "电子普通发票", "电子普票", "电票"}},
	{"纸质普通发票", []string{"纸质发票", "纸质普通发票", "纸质普票", "纸质的发票", "纸质的普通发票", "纸票"}},
	{"增值税专用发票", []string{"增值税专用发票", "专用发票", "专票", "增票", "增值税发票"}},
}

// schema is the policy part of a facts file. Its order is the order of
// `fullqa knowledge check` messages and of the README table.
var schema = []policyKey{
	{Key: "return.window", Label: "退货期限", Kind: KindPeriod, Dim: DimTime,
		Cues: []string{"无理由", "退货期", "退换期", "退货时间", "包退", "可以退货", "可退货", "可以退换", "内退货", "内退换"}},
	{Key: "return.no_reason", Label: "7天无理由退货", Kind: KindBool, Cues: []string{"无理由退货", "无理由退换", "无理由"}},
	{Key: "return.opened", Label: "拆封后可退", Kind: KindBool, Cues: []string{"拆封", "拆开", "开封", "拆了"}, Anchor: []string{"退"}},
	{Key: "return.activated", Label: "激活后可退", Kind: KindBool, Cues: []string{"激活"}, Anchor: []string{"退"}},
	{Key: "return.shipping_paid_by", Label: "退货运费(非质量问题)由谁承担", Kind: KindChoice, Choices: payers,
		Context: []string{"运费", "邮费", "快递费", "寄回"}, Not: []string{"维修", "返修"}},
	{Key: "return.quality_shipping_paid_by", Label: "质量问题退货运费由谁承担", Kind: KindChoice, Choices: payers,
		Context: []string{"运费", "邮费", "快递费", "寄回"}, Not: []string{"维修", "返修"}},
	{Key: "return.conditions", Label: "退货条件", Kind: KindText},
	{Key: "refund.original_route", Label: "退款原路返回", Kind: KindBool,
		Cues: []string{"原路返回", "原路退回", "原路返还", "原路退", "原返", "原支付方式"}},
	{Key: "refund.time", Label: "退款到账时间", Kind: KindDuration, Dim: DimTime, Qualified: true, Qualifier: paymentMethods,
		Cues: []string{"到账", "退到", "原路返回", "原路退回", "原路返还", "原返"}},
	{Key: "exchange.supported", Label: "支持换货", Kind: KindBool, Cues: []string{"换货", "换新"}},
	{Key: "exchange.different_model", Label: "可换不同型号/颜色", Kind: KindBool,
		Cues: []string{"换不同", "不同型号", "不同颜色", "不同款", "换其他型号", "换其他颜色", "换其它"}},
	{Key: "exchange.conditions", Label: "换货条件", Kind: KindText},
	{Key: "warranty.supported", Label: "保修", Kind: KindBool, Cues: []string{"保修", "质保", "联保", "三包"}},
	{Key: "warranty.length", Label: "保修期", Kind: KindPeriod, Dim: DimTime, After: true,
		Cues: []string{"保修", "质保", "联保", "保修期", "质保期"}},
	{Key: "warranty.human_damage", Label: "人为损坏保修", Kind: KindBool, Cues: []string{"人为损坏", "人为原因", "人为"},
		Anchor: []string{"保修", "质保"}},
	{Key: "warranty.scope", Label: "保修范围", Kind: KindText},
	{Key: "price_protection.supported", Label: "价保", Kind: KindBool, Cues: []string{"价保", "保价", "价格保护"}},
	{Key: "price_protection.window", Label: "价保期", Kind: KindPeriod, Dim: DimTime, After: true,
		Cues: []string{"价保", "保价", "价格保护", "价保周期", "价保期"}},
	{Key: "invoice.types", Label: "发票类型", Kind: KindChoice, Choices: invoiceTypes},
	{Key: "invoice.timing", Label: "开票时间", Kind: KindDuration, Dim: DimTime, Cues: []string{"开具", "开票", "开出"},
		Context: []string{"发票", "票"}},
	{Key: "shipping.dispatch", Label: "发货时间", Kind: KindDuration, Dim: DimTime, Cues: []string{"发货", "发出", "寄出", "出库"}},
	{Key: "shipping.cutoff", Label: "当天发货截单时间", Kind: KindClock, Dim: DimClock,
		Cues: []string{"当天发", "当日发", "当天发货", "当日发货", "当天出库", "当日出库"}},
	{Key: "shipping.delivery", Label: "配送时效", Kind: KindDuration, Dim: DimTime, Qualified: true,
		Cues: []string{"送达", "到货", "送到", "配送到", "收到货", "能到", "就到"}, Not: []string{"缺货", "补货", "有货", "进货", "采购"}},
	{Key: "shipping.couriers", Label: "快递公司", Kind: KindChoice, Choices: couriers,
		Context: []string{"发货", "发的是", "给您发", "默认", "发出", "配送", "发件", "寄出", "走"}},
	{Key: "shipping.free", Label: "包邮", Kind: KindBool, Cues: []string{"包邮", "免运费", "免邮"},
		Not: []string{"退", "换货", "维修", "返修", "取件"}},
	{Key: "coupon.stackable", Label: "优惠券可叠加", Kind: KindBool, Cues: []string{"叠加"}, Context: []string{"券", "优惠"}},
	{Key: "coupon.returned", Label: "退货退还优惠券", Kind: KindBool,
		Cues: []string{"优惠券退回", "优惠券返还", "券退回", "券返还", "券会退", "券会返"}},
	{Key: "coupon.rules", Label: "优惠券规则", Kind: KindText},
	{Key: "gift.return_with_item", Label: "退货需退回赠品", Kind: KindBool, Cues: []string{"赠品"}, Anchor: []string{"退", "寄回"}},
	{Key: "gift.rules", Label: "赠品规则", Kind: KindText},
	{Key: "compensation.max", Label: "客服可自行补偿上限", Kind: KindAmount, Dim: DimMoney},
}

// schemaKey returns the schema entry of a dotted key.
func schemaKey(key string) (*policyKey, bool) {
	for i := range schema {
		if schema[i].Key == key {
			return &schema[i], true
		}
	}
	return nil, false
}
