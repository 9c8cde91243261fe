package model

// Network is the settings of the network focalbot serves.
type Network struct {
	Name              string
	Secretariat       string   // the organisation acting as secretariat
	Address           string   // its postal address, one line per "\n"
	FacilitatingGroup []string // alpha-2 codes of the governments hosting the meetings
}

// DefaultNetwork is the Global Network of R2P Focal Points as of 2012.
func DefaultNetwork() Network {
	return Network{
		Name:        "Global Network of R2P Focal Points",
		Secretariat: "Global Centre for the Responsibility to Protect",
		Address: "Ralph Bunche Institute for International Studies\n" +
			"The Graduate Center, CUNY\n365 Fifth Avenue, Suite 5203\n" +
			"New York, NY 10016-4309\nUSA",
		FacilitatingGroup: []string{"AU", "CR", "DK", "GH"},
	}
}
