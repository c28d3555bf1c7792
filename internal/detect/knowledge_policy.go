package detect

import "fullqa/internal/knowledge"

// withFacts returns the policy with the limits the shop's facts define
// taking the place of detect.policy's: the facts file is the one source of
// truth for the return window (return.window), the longest shipping time
// (shipping.dispatch) and the largest compensation (compensation.max). The
// config package has already migrated explicit detect.policy keys into the
// facts, and refused the two when they disagree.
func (c PolicyConfig) withFacts(f *knowledge.Facts) PolicyConfig {
	p := f.Policy()
	if p.ReturnWindowDays > 0 {
		c.ReturnWindowDays = p.ReturnWindowDays
	}
	if p.MaxShipDays > 0 {
		c.MaxShipDays = p.MaxShipDays
	}
	if p.MaxCompensationYuan > 0 {
		c.MaxCompensationYuan = p.MaxCompensationYuan
	}
	return c
}
