package emulator

import (
	"strconv"
	"time"
)

// epochSeconds is a timestamp as the JSON 1.1 protocol writes it: seconds
// since the Unix epoch, as a number.
type epochSeconds time.Time

// MarshalJSON writes the time as fractional epoch seconds (millisecond
// precision), as AWS does.
func (t epochSeconds) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', -1, 64), nil
}

// codeDeliveryWire is Cognito's CodeDeliveryDetailsType.
type codeDeliveryWire struct {
	Destination    string `json:"Destination"`
	DeliveryMedium string `json:"DeliveryMedium"`
	AttributeName  string `json:"AttributeName"`
}

// userWire is Cognito's UserType, as ListUsers and AdminCreateUser return it.
type userWire struct {
	Username             string          `json:"Username"`
	Attributes           []attributeWire `json:"Attributes"`
	UserCreateDate       epochSeconds    `json:"UserCreateDate"`
	UserLastModifiedDate epochSeconds    `json:"UserLastModifiedDate"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
}

func (u *user) wire() userWire {
	return userWire{
		Username:             u.Username,
		Attributes:           attributeList(u.Attributes),
		UserCreateDate:       epochSeconds(u.Created),
		UserLastModifiedDate: epochSeconds(u.Modified),
		Enabled:              u.Enabled,
		UserStatus:           u.Status,
	}
}
