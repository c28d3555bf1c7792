// Package classify holds fullqa's small trained text classifiers. Its first
// model, Emotion, labels each customer message of a Chinese e-commerce
// customer-service chat as negative, neutral or positive, so that the
// inspection can point at the moments a customer became unhappy and at the
// agent turns that caused or repaired it.
//
// The model is a multinomial logistic regression over hashed features:
// character 1–3-grams of the customer message (with placeholders such as
// [订单x] or [ORDERID_123] mapped to single tokens so their contents never
// become n-grams), prefixed n-grams of the agent text just before the message
// and of the previous customer message, and a few chat-specific signals
// (repeated question marks, "人呢", "在吗", an agent apology or refusal just
// before, a repeated question). It is trained by AdaGrad with a fixed seed, so
// training is reproducible byte for byte, and its weights are embedded in the
// binary: at run time nothing but the embedded file is needed.
//
// Scoring walks the runes once and hashes n-grams on the fly, so Predict does
// not allocate and handles tens of megabytes of chat text per second per core.
package classify
